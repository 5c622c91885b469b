package strategies

import (
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// step is one call at one instant of a table test, x/time/rate style: at is
// the instant as an offset from t0, call names the call for failure
// messages, do makes it and returns what it observed.
type step struct {
	at   time.Duration
	call string
	do   func(now sim.Time) any
	want any
}

// runSteps makes each step's call at its instant, in order, and reports
// every mismatch with the step's index, instant and call.
func runSteps(t *testing.T, steps []step) {
	t.Helper()
	var last time.Duration
	for i, s := range steps {
		if s.at < last {
			t.Fatalf("step %d (%s): instant t0+%v is before the previous step's t0+%v", i, s.call, s.at, last)
		}
		last = s.at
		got := s.do(sim.Time(s.at))
		if !same(got, s.want) {
			t.Errorf("step %d at t0+%v: %s = %v, want %v", i, s.at, s.call, got, s.want)
		}
	}
}

// same compares results; floats match to 1e-9 relative.
func same(got, want any) bool {
	if g, ok := got.(float64); ok {
		w, ok := want.(float64)
		if !ok {
			return false
		}
		if math.IsInf(w, 0) || w == g {
			return w == g
		}
		return math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	}
	return got == want
}

// ms is a shorthand for instants and durations in milliseconds.
func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

// mustErr asserts that err is a *ConfigError naming field.
func mustErr(t *testing.T, err error, field string) {
	t.Helper()
	ce, ok := err.(*ConfigError)
	if !ok {
		t.Fatalf("got error %v (%T), want a *ConfigError for %s", err, err, field)
	}
	if ce.Field != field {
		t.Errorf("error %q names field %s, want %s", ce, ce.Field, field)
	}
}
