package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// promServer is a Prometheus server (the prometheus binary on PATH, as
// Debian's prometheus package installs it) scraping the testbed's metrics
// every second on loopback, with its storage in a temporary directory.
type promServer struct {
	cmd  *exec.Cmd
	dir  string
	addr string
}

// promQueries are the query_range queries a run saves, by file name: what
// an SRE would pull from their own Prometheus for `stampede fit`.
var promQueries = []struct{ file, query string }{
	{"rate.json", `sum by (service) (rate(testbed_requests_total[5s]))`},
	{"latency.json", `sum by (service, le) (increase(testbed_request_duration_seconds_bucket[10s]))`},
	{"in_flight.json", `max by (service) (max_over_time(testbed_in_flight[5s]))`},
}

func startProm(target string, stderr io.Writer) (*promServer, error) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		return nil, fmt.Errorf("-prom needs the prometheus binary on PATH (apt-get install prometheus): %w", err)
	}
	dir, err := os.MkdirTemp("", "testbed-prom-")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: testbed\n    static_configs:\n      - targets: [%q]\n", target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr)
	log, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &promServer{cmd: cmd, dir: dir, addr: addr}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("prometheus did not become ready within 30s (its log: " + filepath.Join(dir, "log") + ")")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Ready is not scraping: wait for the first scrape of the testbed.
	for deadline := time.Now().Add(30 * time.Second); !p.scraped(); {
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("prometheus did not scrape the testbed within 30s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Fprintf(stderr, "testbed: prometheus %s scraping %s every 1s\n", addr, target)
	return p, nil
}

// scraped says whether the testbed's metrics have been scraped once.
func (p *promServer) scraped() bool {
	resp, err := http.Get("http://" + p.addr + "/api/v1/query?query=" + url.QueryEscape(`up{job="testbed"} == 1`))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return err == nil && strings.Contains(string(b), `"job":"testbed"`)
}

// save asks for each query over [begin, end] at a 1 s step and writes the
// HTTP API's answer as it came.
func (p *promServer) save(dir string, begin, end time.Time) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, q := range promQueries {
		v := url.Values{}
		v.Set("query", q.query)
		v.Set("start", strconv.FormatFloat(float64(begin.UnixMilli())/1000, 'f', 3, 64))
		v.Set("end", strconv.FormatFloat(float64(end.UnixMilli())/1000, 'f', 3, 64))
		v.Set("step", "1s")
		resp, err := http.Get("http://" + p.addr + "/api/v1/query_range?" + v.Encode())
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("prometheus query %q: %s: %s", q.query, resp.Status, body)
		}
		path := filepath.Join(dir, q.file)
		if err := os.WriteFile(path, body, 0o644); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return files, nil
}

func (p *promServer) stop() {
	if p.cmd.Process != nil {
		p.cmd.Process.Signal(os.Interrupt) //nolint:errcheck // best effort, then kill
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }() //nolint:errcheck // exit status of a stopped server
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill() //nolint:errcheck // already stopping
			<-done
		}
	}
	os.RemoveAll(p.dir)
}
