package main

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/fit"
)

// TestCommandTablesFit holds the tables and findings of stampede diff,
// margin, rare, lint, list and the fit report, laid out at 80 and 150 columns,
// to testdata/tables/<command>-<width>.txt (go test -update rewrites
// them): no line is wider than the width unless it is one word, and
// nothing is broken inside a word.
func TestCommandTablesFit(t *testing.T) {
	small := writeScenario(t, "small.toml", smallScenario)
	dir := t.TempDir()
	oldDir, newDir := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	for _, c := range []struct {
		out  string
		args []string
	}{
		{oldDir, nil},
		{newDir, []string{"--set", "services.api.service_time=exp(8ms)"}},
	} {
		args := append([]string{"run", small, "--replications", "3", "--out", c.out}, c.args...)
		if code, _, errOut := stampede(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	margin := &results.Margin{Scenario: "stability-map", Variant: "base", SizePath: "faults.0.factor", DurationPath: "faults.0.for",
		From: 1.2, To: 6, Replications: 3, Tolerance: 0.05, Runs: 42, GridRuns: 150,
		Points: []results.MarginPoint{
			{Duration: "10s", DurationS: 10, Survived: 3.15, Tipped: 3.3, SurvivedRecovered: 3, SurvivedRuns: 3, TippedRecovered: 0, TippedRuns: 3, Probes: make([]results.MarginProbe, 6), Runs: 18},
			{Duration: "30s", DurationS: 30, Survived: 2.1, Tipped: 2.2, SurvivedRecovered: 2, SurvivedRuns: 3, TippedRecovered: 1, TippedRuns: 3, Probes: make([]results.MarginProbe, 8), Runs: 24},
		}}
	nan := math.NaN()
	report := &fit.Report{Claims: 3, Rows: []fit.Row{
		{Kind: "client", Name: "loadgen", Obs: fit.Measure{Throughput: 104.8, P50: 0.02766, P90: 0.06475, P99: 0.1117}, Sim: fit.Measure{Throughput: 106.5, P50: 0.02792, P90: 0.06527, P99: 0.1096}},
		{Kind: "edge", Name: "frontend->auth", Obs: fit.Measure{Throughput: 104.8, P50: 0.002867, P90: 0.004948, P99: 0.02503}, Sim: fit.Measure{Throughput: 106.6, P50: 0.002998, P90: 0.00462, P99: 0.01743}},
		{Kind: "service", Name: "auth", Obs: fit.Measure{Throughput: 104.8, P50: 0.002605, P90: 0.004358, P99: 0.02346}, Sim: fit.Measure{Throughput: 106.6, P50: nan, P90: nan, P99: nan}},
	}, Assumptions: []string{"api: the histogram's +Inf bucket holds 10 requests, taken as long as its largest finite bucket"}}
	relErr, bruteRuns := 0.0848, 3330.0
	rare := &results.Rare{Scenario: "mm1", Variant: "base", Importance: "queue:server", Levels: []float64{3, 6, 9, 12}, HorizonS: 1,
		Effort: 20, Replications: 3, Probability: 0.0401, CILow: 0.0255, CIHigh: 0.0548, RelativeError: &relErr,
		Stages: []results.RareStage{{Level: 3, Started: 60, Reached: 60}, {Level: 6, Started: 60, Reached: 53}, {Level: 9, Started: 60, Reached: 12}, {Level: 12, Started: 60, Reached: 14}},
		Runs:   240, Events: 135000, BruteForceRuns: &bruteRuns,
		Brute: &results.RareBrute{Runs: 200, Hits: 7, Probability: 0.035, CILow: 0.0171, CIHigh: 0.0705, Events: 196000}}
	for _, width := range []int{80, 150} {
		w := fmt.Sprint(width)
		outputs := map[string]string{}
		_, outputs["diff"], _ = stampede(t, "diff", oldDir, newDir, "--width", w)
		_, outputs["lint"], _ = stampede(t, "lint", "retry-storm", "metastable-retries", "--width", w)
		_, outputs["list"], _ = stampede(t, "list", "--width", w)
		var b bytes.Buffer
		if err := writeMargin(&b, margin, width); err != nil {
			t.Fatal(err)
		}
		outputs["margin"] = b.String()
		b.Reset()
		if err := writeRare(&b, rare, width); err != nil {
			t.Fatal(err)
		}
		outputs["rare"] = b.String()
		b.Reset()
		report.WriteWidth(&b, width)
		outputs["fit"] = b.String()
		for name, out := range outputs {
			if out == "" {
				t.Errorf("%s at %d columns: no output", name, width)
			}
			for _, line := range strings.Split(out, "\n") {
				if n := len([]rune(line)); n > width && strings.Contains(strings.TrimSpace(line), " ") {
					t.Errorf("%s at %d columns: a line of %d: %q", name, width, n, line)
				}
			}
			golden(t, filepath.Join("tables", fmt.Sprintf("%s-%d.txt", name, width)), out)
		}
	}
	// Without a width (a file or a pipe) nothing is left out or broken.
	t.Setenv("COLUMNS", "")
	_, out, _ := stampede(t, "diff", oldDir, newDir)
	if strings.Contains(out, "left out") || !strings.Contains(out, "95% CI") {
		t.Errorf("diff without a width left columns out:\n%s", out)
	}
	var b bytes.Buffer
	report.WriteWidth(&b, 0)
	if strings.Contains(b.String(), "left out") || !strings.Contains(b.String(), "p90") {
		t.Errorf("the fit report without a width left columns out:\n%s", b.String())
	}
	if code, _, errOut := stampede(t, "list", "--width", "-1"); code != 2 || !strings.Contains(errOut, "--width") {
		t.Errorf("list --width -1: exit %d, %q; want 2 and an error naming --width", code, errOut)
	}
}
