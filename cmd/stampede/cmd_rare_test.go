package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRareHelpExample runs the metastable-retries example of stampede
// rare's help as written: its trigger neutralised and its load raised
// near the edge, it must run and find the rare state reachable (a help
// example that fails, such as one dropping the faults that a variant
// sets, is a defect).
func TestRareHelpExample(t *testing.T) {
	long(t, "runs 750 splitting trajectories of metastable-retries")
	var args []string
	for _, ex := range strings.Split(strings.ReplaceAll(rareCmd{}.Help(), "\\\n", " "), "\n") {
		if f := strings.Fields(ex); len(f) > 2 && f[0] == "stampede" && f[2] == "metastable-retries" {
			args = f[1:]
		}
	}
	if len(args) == 0 {
		t.Fatal("stampede rare's help has no metastable-retries example")
	}
	for i, a := range args {
		args[i] = strings.Trim(a, "'")
	}
	code, out, errOut := stampede(t, args...)
	var r struct {
		Probability float64 `json:"probability"`
		Runs        int     `json:"runs"`
	}
	if code != 0 {
		t.Fatalf("stampede %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || !(r.Probability > 0 && r.Probability < 1) || r.Runs == 0 {
		t.Errorf("%v: probability %v from %d runs, want one in (0, 1)", err, r.Probability, r.Runs)
	}
}
