package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The testbed's system: a front end that calls two back ends, auth then db,
// for every request. db is the bottleneck: 4 workers at 20 ms a request
// make 200 requests/s.
const (
	frontWorkers, frontQueue = 64, 200
	authWorkers, authQueue   = 8, 100
	dbWorkers, dbQueue       = 4, 100
)

var (
	frontWork = dist{"lognormal", 0.002, 0.5}
	authWork  = dist{"uniform", 0.001, 0.003}
	dbWork    = dist{"exp", 0.020, 0}
	// dbCapacity is db's capacity in requests/s, which sets utilisation.
	dbCapacity = float64(dbWorkers) / dbWork.a
)

// Limits on one testbed run, so that it always ends by itself.
const (
	maxDuration = 10 * time.Minute
	maxCalls    = 200_000 // rate x duration
	maxRate     = 1000.0  // calls/s
)

// slowdown multiplies db's service time by factor from at for length.
type slowdown struct {
	at, length time.Duration
	factor     float64
}

// config is one testbed run.
type config struct {
	load
	slow   *slowdown
	out    string // directory for traces.otlp.jsonl, calls.csv, prom/
	prom   bool   // scrape with a Prometheus server and save query_range answers
	stderr io.Writer
}

func (c *config) check() error {
	switch {
	case c.rate <= 0 || c.rate > maxRate:
		return fmt.Errorf("-rate must be in (0, %g], got %g", maxRate, c.rate)
	case c.duration <= 0 || c.duration > maxDuration:
		return fmt.Errorf("-duration must be in (0, %s], got %s", maxDuration, c.duration)
	case c.rate*c.duration.Seconds() > maxCalls:
		return fmt.Errorf("-rate x -duration must be at most %d calls, got %.0f", maxCalls, c.rate*c.duration.Seconds())
	case c.attempts < 1 || c.attempts > 10:
		return fmt.Errorf("-attempts must be in [1, 10], got %d", c.attempts)
	case c.timeout <= 0 || c.timeout > time.Minute:
		return fmt.Errorf("-timeout must be in (0, 1m], got %s", c.timeout)
	case c.slow != nil && (c.slow.factor < 1 || c.slow.factor > 100 || c.slow.at+c.slow.length > c.duration):
		return fmt.Errorf("-slow must be AT+FOR*FACTOR with a factor in [1, 100], ending within -duration")
	}
	return nil
}

// runResult is what one run measured at the client.
type runResult struct {
	calls []outcome
	spans int
	prom  []string // query_range files written
	stall stalls
}

// stalls are the moments the testbed's process did not run: a 10 ms
// sleep that took more than stallOver longer. On a shared machine they
// stretch every request in flight at once, which no i.i.d. service time
// models; validate reports them beside its verdicts.
type stalls struct {
	n          int
	worst, sum time.Duration
	load       string // /proc/loadavg at the end, where there is one
}

const stallOver = 50 * time.Millisecond

func watchStalls(stop <-chan struct{}, out *stalls, done chan<- struct{}) {
	defer close(done)
	for {
		t := time.Now()
		select {
		case <-stop:
			if b, err := os.ReadFile("/proc/loadavg"); err == nil {
				out.load = strings.Join(strings.Fields(string(b))[:3], " ")
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
		if late := time.Since(t) - 10*time.Millisecond; late > stallOver {
			out.n++
			out.sum += late
			out.worst = max(out.worst, late)
		}
	}
}

// runSystem starts the three services and the metrics endpoint on
// loopback, drives the load, and stops everything.
func runSystem(c config) (*runResult, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return nil, err
	}
	exp, err := newOTLPFile(filepath.Join(c.out, "traces.otlp.jsonl"))
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	m := newServiceMetrics(reg)
	transport := &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, IdleConnTimeout: 30 * time.Second}
	client := &http.Client{Transport: transport}
	var providers []*sdktrace.TracerProvider
	provider := func(name string) *sdktrace.TracerProvider {
		res := resource.NewSchemaless(attribute.String("service.name", name))
		tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res),
			sdktrace.WithBatcher(exp, sdktrace.WithBlocking(), sdktrace.WithMaxQueueSize(1<<16), sdktrace.WithMaxExportBatchSize(2048)))
		providers = append(providers, tp)
		return tp
	}
	db := &service{name: "db", workers: dbWorkers, queue: dbQueue, work: dbWork}
	auth := &service{name: "auth", workers: authWorkers, queue: authQueue, work: authWork}
	front := &service{name: "frontend", workers: frontWorkers, queue: frontQueue, work: frontWork, calls: []*service{auth, db}}
	var listeners []net.Listener
	defer func() {
		for _, ln := range listeners {
			ln.Close()
		}
	}()
	for i, s := range []*service{db, auth, front} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, ln)
		s.tracer = provider(s.name).Tracer("testbed")
		s.client = client
		s.m = m
		s.rng = rand.New(rand.NewPCG(c.seed, uint64(i)))
		s.start(ln)
	}
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	listeners = append(listeners, mln)
	msrv := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 10 * time.Second}
	go msrv.Serve(mln) //nolint:errcheck // ends with Shutdown

	var prom *promServer
	if c.prom {
		if prom, err = startProm(mln.Addr().String(), c.stderr); err != nil {
			return nil, err
		}
		defer prom.stop()
	}
	fmt.Fprintf(c.stderr, "testbed: %g calls/s for %s (db utilisation %.0f%%), timeout %s, %d attempts\n",
		c.rate, c.duration, 100*c.rate/dbCapacity, c.timeout, c.attempts)
	begin := time.Now()
	if c.slow != nil {
		s := *c.slow
		t1 := time.AfterFunc(s.at, func() { db.setFactor(s.factor) })
		t2 := time.AfterFunc(s.at+s.length, func() { db.setFactor(1) })
		defer t1.Stop()
		defer t2.Stop()
	}
	res := &runResult{}
	stop, watched := make(chan struct{}), make(chan struct{})
	go watchStalls(stop, &res.stall, watched)
	res.calls = c.drive(provider("loadgen").Tracer("testbed"), client, front)
	end := time.Now()
	close(stop)
	<-watched
	if prom != nil {
		time.Sleep(2 * time.Second) // the last scrape
		res.prom, err = prom.save(filepath.Join(c.out, "prom"), begin, end)
		if err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var errs []error
	for _, s := range []*service{front, auth, db} {
		errs = append(errs, s.srv.Shutdown(ctx))
	}
	errs = append(errs, msrv.Shutdown(ctx))
	for _, tp := range providers {
		errs = append(errs, tp.Shutdown(ctx))
	}
	transport.CloseIdleConnections()
	n, err := exp.close()
	errs = append(errs, err)
	res.spans = n
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return res, writeCalls(filepath.Join(c.out, "calls.csv"), res.calls)
}

func writeCalls(path string, calls []outcome) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	fmt.Fprintln(f, "start_s,end_s,ok,attempts")
	for _, o := range calls {
		fmt.Fprintf(f, "%.6f,%.6f,%t,%d\n", o.start, o.end, o.ok, o.attempts)
	}
	return f.Close()
}
