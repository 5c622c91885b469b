package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models"
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// writeResults runs a small world with a slowdown and saves its results.
func writeResults(t *testing.T, dir string) string {
	t.Helper()
	cfg := config.Config{
		Duration: 40 * time.Second, Seed: 1,
		Services: []config.ServiceConfig{{Name: "api", Workers: 4, Queue: config.QueueConfig{Limit: config.Limit(50)}, ServiceTime: sim.MustParseDist("exp(20ms)")}},
		Clients:  []config.ClientConfig{{Name: "users", Target: "api", Rate: 100, ClientPolicy: config.ClientPolicy{Timeout: 200 * time.Millisecond}}},
		Faults:   []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 10 * time.Second, For: 5 * time.Second, Factor: 4}},
	}
	w, err := models.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "storm.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := w.Results().WriteJSON(f); err != nil {
		t.Fatal(err)
	}
	return path
}

const plotScenario = `
title = "Tiny storm"
duration = "20s"
[[services]]
name = "api"
workers = 2
queue = { limit = 20 }
service_time = "exp(20ms)"
[[clients]]
name = "users"
target = "api"
rate = 60
timeout = "200ms"
[[faults]]
kind = "slowdown"
target = "api"
at = "5s"
for = "3s"
factor = 4
[[variants]]
name = "deep"
set = { "services.api.queue.limit" = 500 }
`

func TestPlotCommand(t *testing.T) {
	dir := t.TempDir()
	in := writeResults(t, dir)
	toml := filepath.Join(dir, "tiny.toml")
	if err := os.WriteFile(toml, []byte(plotScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	// What stampede run --out writes: summary.json and series.csv.
	var o1, o2 bytes.Buffer
	if code := run([]string{"run", toml, "--out", filepath.Join(dir, "runout")}, &o1, &o2); code != 0 {
		t.Fatalf("stampede run: exit %d: %s", code, o2.String())
	}
	sweep := filepath.Join(dir, "sweep.toml")
	if err := os.WriteFile(sweep, []byte(plotScenario+"[sweep]\nx = { path = \"clients.users.rate\", values = [40, 80] }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	declared := filepath.Join(dir, "declared.toml")
	figs := "[[figures]]\nkind = \"timeseries\"\nname = \"deep-only\"\nvariants = [\"deep\"]\n[[figures]]\nkind = \"latency\"\nclient = \"users\"\n"
	if err := os.WriteFile(declared, []byte(plotScenario+figs), 0o644); err != nil {
		t.Fatal(err)
	}
	small := []string{"--size", "400x250"}
	for _, c := range []struct {
		name  string
		args  []string
		code  int
		files []string // expected outputs, relative to dir
		err   string   // expected in stderr
	}{
		{name: "one svg", args: []string{in, "--figure", "latency", "-o", filepath.Join(dir, "lat.svg"), "--slo", "150ms"}, files: []string{"lat.svg"}},
		{name: "all into a dir", args: []string{in, "-o", filepath.Join(dir, "figs") + "/"},
			files: []string{"figs/timeseries.png", "figs/latency.png", "figs/compare.png"}},
		{name: "all with a file prefix", args: []string{in, "-o", filepath.Join(dir, "s.pdf")},
			files: []string{"s-timeseries.pdf", "s-latency.pdf", "s-compare.pdf"}},
		{name: "all with a prefix", args: []string{in, "-o", filepath.Join(dir, "p_"), "--variant", "storm"},
			files: []string{"p_timeseries.png", "p_compare.png"}},
		{name: "scenario file", args: []string{toml, "-o", filepath.Join(dir, "sc") + "/", "--variant", "deep"},
			files: []string{"sc/timeseries.png", "sc/latency.png", "sc/compare.png"}},
		{name: "scenario sweep", args: []string{sweep, "--figure", "sweep", "--metric", "latency_s.p99", "-o", filepath.Join(dir, "sw.svg")},
			files: []string{"sw.svg"}},
		{name: "scenario sweep, one variant", args: []string{sweep, "--figure", "sweep", "--variant", "deep", "-o", filepath.Join(dir, "swd.svg")},
			files: []string{"swd.svg"}},
		{name: "declared figures", args: []string{declared, "-o", filepath.Join(dir, "dc") + "/"},
			files: []string{"dc/deep-only.png", "dc/latency.png", "dc/compare.png"}},
		{name: "one declared figure", args: []string{declared, "--figure", "deep-only", "-o", filepath.Join(dir, "do.svg")},
			files: []string{"do.svg"}},
		{name: "unknown figure", args: []string{declared, "--figure", "nope"}, code: exitBadInput, err: `unknown figure "nope"`},
		{name: "bad scenario variant", args: []string{toml, "--variant", "nope"}, code: exitBadInput, err: `"nope"`},
		{name: "run --out dir", args: []string{filepath.Join(dir, "runout"), "-o", filepath.Join(dir, "ro") + "/"},
			files: []string{"ro/timeseries.png", "ro/latency.png", "ro/compare.png"}},
		{name: "no sweep", args: []string{in, "--figure", "sweep"}, code: exitBadInput, err: "needs a scenario with a [sweep]"},
		{name: "bad format", args: []string{in, "--figure", "compare", "-o", filepath.Join(dir, "c.gif")}, code: exitBadInput, err: `unknown image format ".gif"`},
		{name: "bad size", args: []string{in, "--size", "huge"}, code: exitBadInput, err: "want slide, paper"},
		{name: "bad variant", args: []string{in, "--variant", "nope"}, code: exitBadInput, err: `--variant: no variant "nope" in the results (have: storm)`},
		{name: "client and service", args: []string{in, "--figure", "timeseries", "--client", "users", "--service", "api", "-o", filepath.Join(dir, "cs.svg")},
			files: []string{"cs.svg"}},
		{name: "bad client", args: []string{in, "--client", "nope"}, code: exitBadInput, err: `--client "nope": no such client`},
		{name: "bad service", args: []string{in, "--service", "nope"}, code: exitBadInput, err: `--service "nope": no such service`},
		{name: "missing file", args: []string{filepath.Join(dir, "nope.json")}, code: exitBadInput, err: "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"plot"}, c.args...)
			if c.code == 0 {
				args = append(args, small...)
			}
			if code := run(args, &stdout, &stderr); code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, stderr.String())
			}
			if c.err != "" && !strings.Contains(stderr.String(), c.err) {
				t.Errorf("stderr %q does not say %q", stderr.String(), c.err)
			}
			for _, f := range c.files {
				p := filepath.Join(dir, f)
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%s not written: %v", f, err)
				}
				if !strings.Contains(stdout.String(), p) {
					t.Errorf("stdout %q does not list %s", stdout.String(), p)
				}
			}
		})
	}
}

// TestPlotSavedFaults: `stampede plot DIR` on what `run --out` wrote
// shades and labels each fault window from summary.json, not one span
// over all of them.
func TestPlotSavedFaults(t *testing.T) {
	src := plotScenario + `[[faults]]
kind = "error_rate"
target = "api"
at = "12s"
for = "2s"
probability = 0.5
`
	f := writeScenario(t, "faults.toml", src)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if code, _, errOut := stampede(t, "run", f, "--out", out); code != 0 {
		t.Fatalf("stampede run: exit %d: %s", code, errOut)
	}
	svg := filepath.Join(dir, "ts.svg")
	if code, _, errOut := stampede(t, "plot", out, "--figure", "timeseries", "-o", svg, "--size", "600x400"); code != 0 {
		t.Fatalf("stampede plot: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">api: slowdown<", ">api: error rate<"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the figure has no fault label %q", want)
		}
	}
	if strings.Contains(string(b), ">faults<") {
		t.Error("the figure shades one approximate span labelled faults")
	}
}
