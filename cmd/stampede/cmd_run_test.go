package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios"
)

// stampede runs the CLI in-process and returns its exit code and outputs.
func stampede(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

const smallScenario = `
title = "Small"
about = "A small world for the CLI tests."
duration = "20s"
seed = 3

[[services]]
name = "api"
workers = 2
queue = { limit = 20 }
service_time = "exp(5ms)"

[[clients]]
name = "users"
target = "api"
rate = 200
timeout = "50ms"

[[faults]]
kind = "slowdown"
target = "api"
at = "5s"
for = "3s"
factor = 3

[[variants]]
name = "patient"
about = "a longer timeout"
set = { "clients.users.timeout" = "500ms" }

[sweep]
x = { path = "clients.users.rate", values = [100, 200] }

[[expect]]
metric = "services.api.utilization"
max = 1
`

// writeScenario writes src to a file in a temporary directory.
func writeScenario(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunTableAndJSON(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	code, out, errOut := stampede(t, "run", f)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"small: Small", "clients.users.rate", "variant", "patient", "goodput/s", "claims: 2 hold, 0 fail"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes in output that is not a terminal")
	}
	code, out, errOut = stampede(t, "run", f, "--json", "--replications", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Scenario     string
		Seed         uint64
		Replications int
		Sweep        []struct{ Path string }
		Variants     []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if doc.Scenario != "small" || doc.Seed != 3 || doc.Replications != 2 || len(doc.Variants) != 4 || len(doc.Sweep) != 1 {
		t.Errorf("summary %+v", doc)
	}
	v := doc.Variants[0]
	for _, k := range []string{"name", "point", "calls", "attempts", "amplification", "succeeded", "failed", "goodput",
		"throughput", "latency_s", "recovered", "recovery_s", "services", "ci95"} {
		if _, ok := v[k]; !ok {
			t.Errorf("variant object lacks %q", k)
		}
	}
}

// TestRunParallelIdentical: --parallel does not change a byte.
func TestRunParallelIdentical(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	_, a, _ := stampede(t, "run", f, "--json", "--parallel", "1", "--replications", "2")
	_, b, _ := stampede(t, "run", f, "--json", "--parallel", "5", "--replications", "2")
	if a != b || a == "" {
		t.Errorf("outputs differ with --parallel 1 and 5")
	}
}

// TestRunOutAndMerge: --out writes the three files (and no temporary
// ones); sharding then merging gives the same files and the same table,
// byte for byte.
func TestRunOutAndMerge(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	code, table, errOut := stampede(t, "run", f, "--out", whole, "--replications", "3", "--seed", "9")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	entries, _ := os.ReadDir(whole)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "report.md series.csv summary.json" {
		t.Errorf("--out wrote %v", names)
	}
	shards := filepath.Join(dir, "shards")
	for _, sh := range []string{"1/3", "2/3", "3/3"} {
		code, out, errOut := stampede(t, "run", f, "--shard", sh, "--out", shards, "--replications", "3", "--seed", "9")
		if code != 0 || !strings.Contains(out, "wrote ") {
			t.Fatalf("shard %s: exit %d: %s %s", sh, code, out, errOut)
		}
	}
	merged := filepath.Join(dir, "merged")
	code, mtable, errOut := stampede(t, "merge", shards, "--out", merged)
	if code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errOut)
	}
	if mtable != table {
		t.Errorf("merged table differs:\n%s\n---\n%s", mtable, table)
	}
	for _, name := range []string{"summary.json", "series.csv", "report.md"} {
		a, _ := os.ReadFile(filepath.Join(whole, name))
		b, _ := os.ReadFile(filepath.Join(merged, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: merged (%d bytes) differs from unsharded (%d bytes)", name, len(b), len(a))
		}
	}
	// A missing shard is an error.
	os.Remove(filepath.Join(shards, "shard-2-of-3.jsonl"))
	if code, _, errOut := stampede(t, "merge", shards); code != 2 || !strings.Contains(errOut, "shards missing: [2] of 3") {
		t.Errorf("merge with a missing shard: exit %d: %s", code, errOut)
	}
}

func TestRunErrors(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	bad := writeScenario(t, "bad.toml", "duration = 5\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "no-such-scenario"}, `"no-such-scenario" is neither a file nor a built-in scenario`},
		{[]string{"run", "missing/file.toml"}, "no such file"},
		{[]string{"run", bad}, `bad.toml:1:1: duration: must be a duration string with a unit`},
		{[]string{"run", f, "--shard", "1/2"}, "--shard needs --out"},
		{[]string{"run", f, "--shard", "3/2", "--out", t.TempDir()}, "want i/n with 1 <= i <= n"},
		{[]string{"run", f, "--variant", "patiant"}, `did you mean "patient"?`},
		{[]string{"run", f, "--set", "clients.users.timeout=soon"}, `--set clients.users.timeout: must be a duration`},
	} {
		code, _, errOut := stampede(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

// TestRunStoppedByLimit: an exploding scenario stops with a message naming
// the limit, and exit code 2.
func TestRunStoppedByLimit(t *testing.T) {
	f := writeScenario(t, "boom.toml", `
duration = "1h"

[[services]]
name = "s"
service_time = "1ms"

[[clients]]
name = "c"
target = "s"
rate = 1000

[[faults]]
kind = "outage"
mode = "black_hole"
target = "s"
at = "1s"
for = "1h"

[limits]
max_in_flight = 2000
`)
	code, out, errOut := stampede(t, "run", f)
	if code != 2 || !strings.Contains(out, "limits.max_in_flight = 2000 reached") ||
		!strings.Contains(errOut, "1 run was stopped by a limit before its end; its results are partial") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	// The time is to the millisecond, and the partial run has no verdict.
	if !regexp.MustCompile(`run stopped at \d+\.\d{1,3}s:`).MatchString(out) {
		t.Errorf("the stopping time is not rounded to the millisecond:\n%s", out)
	}
	if !strings.Contains(out, "STOPPED (partial)") || strings.Contains(out, "RECOVERED") || strings.Contains(out, "no baseline") {
		t.Errorf("the partial run is not labelled as stopped:\n%s", out)
	}
}

func TestValidate(t *testing.T) {
	good := writeScenario(t, "good.toml", smallScenario)
	bad := writeScenario(t, "bad.toml", strings.Replace(smallScenario, "workers = 2", "wrkers = 2", 1))
	code, out, errOut := stampede(t, "validate", good, "mm1")
	if code != 0 || !strings.Contains(out, "good.toml: ok (2 variants, 2 sweep points, 1 replication, 1 claim)") ||
		!strings.Contains(out, "mm1: ok") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = stampede(t, "validate", good, bad)
	if code != 2 || !strings.Contains(errOut, `bad.toml:9:1: services[api].wrkers: unknown key; did you mean "workers"?`) ||
		!strings.Contains(errOut, "1 of 2 files are invalid") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

func TestListAndShow(t *testing.T) {
	code, out, _ := stampede(t, "list")
	if code != 0 {
		t.Fatal(code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(scenarios.BuiltinNames()) {
		t.Errorf("list printed %d lines for %d built-ins", len(lines), len(scenarios.BuiltinNames()))
	}
	col := -1
	for _, l := range lines {
		name := strings.Fields(l)[0]
		at := len(name) + strings.IndexFunc(l[len(name):], func(r rune) bool { return r != ' ' })
		if col >= 0 && at != col {
			t.Errorf("titles not aligned:\n%s", out)
		}
		col = at
	}
	if !strings.Contains(out, "mm1") || !strings.Contains(out, "retry-storm") {
		t.Errorf("list:\n%s", out)
	}
	code, out, _ = stampede(t, "show", "retry-storm")
	src, _ := scenarios.BuiltinSource("retry-storm")
	if code != 0 || out != string(src) {
		t.Errorf("show retry-storm: exit %d, %d bytes", code, len(out))
	}
	if code, _, errOut := stampede(t, "show", "retry-strom"); code != 2 || !strings.Contains(errOut, `did you mean "retry-storm"?`) {
		t.Errorf("show retry-strom: exit %d %s", code, errOut)
	}
}

func TestCheck(t *testing.T) {
	good := writeScenario(t, "good.toml", smallScenario)
	code, out, errOut := stampede(t, "check", good)
	if code != 0 || !strings.Contains(out, "ok   good (2 claims hold)") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	failing := writeScenario(t, "failing.toml", smallScenario+`
[[expect]]
variant = "patient"
metric = "goodput"
max = 10
x = 200
about = "goodput stays under 10 calls/s (wrong: it is near 200)"
`)
	code, out, _ = stampede(t, "check", failing)
	for _, want := range []string{"FAIL failing: 1 of 3 claims fail", "failing.toml:38:3  goodput stays under 10 calls/s",
		"variant  patient", "at       clients.users.rate = 200", "metric   goodput", "want     <= 10", "got      19"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if code != 1 {
		t.Errorf("a failing claim exits %d, want 1", code)
	}
}

// TestRunFailingClaimExits1: `stampede run` exits 1 when a claim of the
// scenario does not hold (as `stampede check` does), after printing the
// table and writing --out; 0 when they hold.
func TestRunFailingClaimExits1(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario+`
[[expect]]
metric = "services.api.utilization"
max = 0.0001
`)
	out := filepath.Join(t.TempDir(), "out")
	code, table, errOut := stampede(t, "run", f, "--out", out)
	if code != 1 || !strings.Contains(table, "fail") || !strings.Contains(errOut, "of the scenario do not hold") {
		t.Errorf("exit %d\n%s\n%s", code, table, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
		t.Errorf("--out not written when a claim fails: %v", err)
	}
	if code, _, errOut := stampede(t, "run", writeScenario(t, "ok.toml", smallScenario)); code != 0 {
		t.Errorf("claims that hold: exit %d: %s", code, errOut)
	}
}

// TestRunRefusesTooMuchWork: a run estimated over the limit on a run's
// work is refused before it starts, located, with the numbers, exit 2;
// --force runs it (issue 13 item 6).
func TestRunRefusesTooMuchWork(t *testing.T) {
	bomb := filepath.Join("..", "..", "scenarios", "testdata", "bad", "work-fanout-bomb.toml")
	code, _, errOut := stampede(t, "run", bomb)
	if code != 2 || !strings.Contains(errOut, "work-fanout-bomb.toml:8:10: services[s0].calls[s1]: a run would make up to 6.00601e+88 attempts") ||
		!strings.Contains(errOut, "--force") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = stampede(t, "run", "mm1", "--set", "duration=1000h")
	if code != 2 || !strings.Contains(errOut, "2.88e+09 attempts") {
		t.Errorf("mm1 for 1000h: exit %d: %s", code, errOut)
	}
	// Forced, and made small enough by --set to finish at once.
	if code, _, errOut := stampede(t, "run", bomb, "--force", "--set", "duration=10ms"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, errOut)
	}
}

// TestForceOnEveryLoader: plot, validate and tui read a scenario as run
// does, so they refuse a run estimated over the work limit the same way
// and take --force to accept it.
func TestForceOnEveryLoader(t *testing.T) {
	bomb := filepath.Join("..", "..", "scenarios", "testdata", "bad", "work-fanout-bomb.toml")
	for _, args := range [][]string{{"validate", bomb}, {"plot", bomb, "-o", filepath.Join(t.TempDir(), "x.png")}, {"tui", bomb}} {
		code, _, errOut := stampede(t, args...)
		if code != 2 || !strings.Contains(errOut, "a run would make up to 6.00601e+88 attempts") || !strings.Contains(errOut, "--force") {
			t.Errorf("%s: exit %d: %s", args[0], code, errOut)
		}
	}
	code, out, errOut := stampede(t, "validate", bomb, "--force")
	if code != 0 || !strings.Contains(out, "work-fanout-bomb.toml: ok") {
		t.Errorf("validate --force: exit %d: %s%s", code, out, errOut)
	}
}

// TestNothingToMeasureIsNull: with no calls, amplification (in total, per
// client and per edge) and a cache's hit ratio are null in the JSON, "-"
// in the table, and a claim on them fails saying why (issue 13 item 5).
func TestNothingToMeasureIsNull(t *testing.T) {
	f := writeScenario(t, "idle.toml", `
duration = "5s"
[[services]]
name = "db"
workers = 2
service_time = "exp(10ms)"
[[services]]
name = "api"
workers = 2
service_time = "exp(1ms)"
calls = [{ target = "db" }]
[[caches]]
name = "c"
backend = "api"
keys = 100
capacity = 10
[[clients]]
name = "users"
target = "c"
rate = 0
[[expect]]
metric = "caches.c.hit_ratio"
min = 0.5
`)
	code, out, errOut := stampede(t, "run", f, "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (the claim fails): %s", code, errOut)
	}
	var doc struct {
		Variants []struct {
			Amplification *float64                  `json:"amplification"`
			Clients       map[string]map[string]any `json:"clients"`
			Edges         map[string]map[string]any `json:"edges"`
			Caches        map[string]map[string]any `json:"caches"`
		} `json:"variants"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	v := doc.Variants[0]
	if v.Amplification != nil || v.Clients["users"]["amplification"] != nil || v.Edges["api->db"]["amplification"] != nil || v.Caches["c"]["hit_ratio"] != nil {
		t.Errorf("want null amplification and hit_ratio with no calls:\n%s", out)
	}
	_, out, _ = stampede(t, "check", f)
	if !strings.Contains(out, "got      null (nothing was looked up, so there is no hit ratio to judge)") {
		t.Errorf("check: %s", out)
	}
}

// TestShowOut: show --out writes a built-in with the data files it reads,
// and the copy runs as the built-in does; without --out the TOML alone is
// printed and the files it needs are named on stderr.
func TestShowOut(t *testing.T) {
	files, err := scenarios.BuiltinFiles("recorded-traffic")
	if err != nil || len(files) != 2 || files[0].Name != "data/checkout-latency-le.csv" || files[1].Name != "data/checkout-rate.csv" {
		t.Fatalf("BuiltinFiles(recorded-traffic) = %v, %v", files, err)
	}
	if files, err := scenarios.BuiltinFiles("retry-storm"); err != nil || len(files) != 0 {
		t.Errorf("BuiltinFiles(retry-storm) = %v, %v; want none", files, err)
	}
	code, out, errOut := stampede(t, "show", "recorded-traffic")
	src, _ := scenarios.BuiltinSource("recorded-traffic")
	if code != 0 || out != string(src) || !strings.Contains(errOut, "reads data/checkout-latency-le.csv and data/checkout-rate.csv") {
		t.Errorf("show recorded-traffic: exit %d, %d bytes\n%s", code, len(out), errOut)
	}
	dir := filepath.Join(t.TempDir(), "mine")
	if code, _, errOut := stampede(t, "show", "recorded-traffic", "--out", dir); code != 0 {
		t.Fatalf("show --out: exit %d\n%s", code, errOut)
	}
	copied := filepath.Join(dir, "recorded-traffic.toml")
	for _, f := range append(files, scenarios.DataFile{Name: "recorded-traffic.toml", Data: src}) {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil || !bytes.Equal(b, f.Data) {
			t.Errorf("%s: %d bytes, %v; want the embedded %d bytes", f.Name, len(b), err, len(f.Data))
		}
	}
	_, want, _ := stampede(t, "run", "recorded-traffic", "--set", "duration=1m", "--json")
	_, got, _ := stampede(t, "run", copied, "--set", "duration=1m", "--json")
	if got == "" || got != want {
		t.Errorf("the copy runs differently from the built-in:\n%s\nwant\n%s", got, want)
	}
	// A second write refuses, naming what is there, and changes nothing.
	os.WriteFile(copied, []byte("# mine\n"), 0o644)
	code, _, errOut = stampede(t, "show", "recorded-traffic", "--out", dir)
	if b, _ := os.ReadFile(copied); code != 2 || !strings.Contains(errOut, "already there") || string(b) != "# mine\n" {
		t.Errorf("show --out over a copy: exit %d, file %q\n%s", code, b, errOut)
	}
	if code, _, _ := stampede(t, "show", "recorded-traffic", "--out", dir, "--force"); code != 0 {
		t.Errorf("show --out --force: exit %d", code)
	}
	if b, _ := os.ReadFile(copied); !bytes.Equal(b, src) {
		t.Errorf("--force did not replace the copy")
	}
	if code, _, errOut := stampede(t, "show", "retry-storm", "--force"); code != 2 || !strings.Contains(errOut, "without --out") {
		t.Errorf("show --force without --out: exit %d\n%s", code, errOut)
	}
}
