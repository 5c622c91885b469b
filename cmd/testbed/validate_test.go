package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestRealRecovery judges made-up call records as stampede judges a run:
// a baseline of 10 calls/s, a slowdown from 20 s to 22 s with no success,
// until 25 s, and recovery judged at 24 s: the 10 s from there hold 9 s
// of full goodput, 90% of the baseline.
func TestRealRecovery(t *testing.T) {
	calls := func(gapFrom, gapTo float64) []outcome {
		var out []outcome
		for s := 0.0; s < 60; s += 0.1 {
			out = append(out, outcome{start: s, end: s + 0.05, ok: s < gapFrom || s >= gapTo, attempts: 1})
		}
		return out
	}
	rec, at, base := realRecovery(calls(20, 25), 20*time.Second, 22*time.Second, 60*time.Second)
	if !rec || math.Abs(at-2) > 1e-9 || math.Abs(base-10) > 0.2 {
		t.Errorf("recovered %t after %v s, baseline %v; want true, 2 s, 10/s", rec, at, base)
	}
	if rec, _, _ := realRecovery(calls(20, 60), 20*time.Second, 22*time.Second, 60*time.Second); rec {
		t.Error("no success after 20 s judged recovered")
	}
	m := measure(calls(20, 23))
	if math.Abs(m.p50-0.05) > 1e-9 || math.Abs(m.throughput-570/60.0) > 0.1 {
		t.Errorf("measure: %+v", m)
	}
}

func TestAgreeRecovery(t *testing.T) {
	for _, tc := range []struct {
		sim, real float64
		want      bool
	}{{0, 0.5, true}, {3, 5, true}, {2, 5, false}, {math.NaN(), 1, false}, {0, 3, false}} {
		if got := agreeRecovery(tc.sim, tc.real); got != tc.want {
			t.Errorf("agreeRecovery(%v, %v) = %t", tc.sim, tc.real, got)
		}
	}
}

func TestWhatIfScenario(t *testing.T) {
	base := []byte("duration = \"30s\"\nseed = 1\n\n[[expect]]\nmetric = \"goodput\"\nmin = 1\n")
	src, set := whatIfScenario(base, 3*time.Second, whatAttempts, 0)
	if s := string(src); strings.Contains(s, "[[expect]]") || !strings.Contains(s, `duration = "1m3s"`) || !strings.Contains(s, `for = "3s"`) {
		t.Errorf("what-if scenario:\n%s", s)
	}
	if !strings.Contains(strings.Join(set, " "), "services.frontend.workers=64") {
		t.Errorf("set %v", set)
	}
}
