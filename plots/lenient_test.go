package plots

import (
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

// TestUnmarshalSummaryReplicated: a replicated run's summary holds means,
// so counts may be fractional; they round into integer fields while rates
// keep their fractions.
func TestUnmarshalSummaryReplicated(t *testing.T) {
	src := `{"calls": 324023.8, "attempts": 324024.4, "goodput": 274.5,
		"failed": {"timeout": 12.5, "queue_full": 3},
		"services": {"db": {"served": 99.6, "utilization": 0.42}}}`
	var s results.Summary
	if err := unmarshalSummary([]byte(src), &s); err != nil {
		t.Fatal(err)
	}
	if s.Calls != 324024 || s.Attempts != 324024 {
		t.Errorf("calls, attempts = %d, %d; want 324024, 324024", s.Calls, s.Attempts)
	}
	if s.Goodput != 274.5 {
		t.Errorf("goodput = %v, want 274.5", s.Goodput)
	}
	if s.Failed["timeout"] != 13 || s.Failed["queue_full"] != 3 {
		t.Errorf("failed = %v, want timeout 13 (12.5 rounded half away from zero), queue_full 3", s.Failed)
	}
	if db := s.Services["db"]; db.Served != 100 || db.Utilization != 0.42 {
		t.Errorf("services.db = %+v, want served 100, utilization 0.42", db)
	}
	if err := unmarshalSummary([]byte(`{"calls": "many"}`), &s); err == nil {
		t.Error("a string for calls decoded without error")
	}
}
