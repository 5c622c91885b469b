package strategies

import (
	"slices"
	"testing"
)

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Registry {
		if e.Key == "" || seen[e.Key] {
			t.Errorf("entry %+v: empty or repeated key", e)
		}
		seen[e.Key] = true
		if e.Scope == 0 || e.Hooks == 0 {
			t.Errorf("%s: no scope or no hooks", e.Key)
		}
		if len(e.Knob.Keys) > 0 && e.Knob.Label == "" {
			t.Errorf("%s: a knob without a label", e.Key)
		}
	}
	specs := []Spec{&RetrySpec{}, &BudgetSpec{}, &BreakerSpec{}, &RetryBreakerSpec{}, &ThrottleSpec{}, &HedgeSpec{},
		&BulkheadSpec{}, &ShedSpec{}, &RateLimitSpec{}, &DistributedRateLimitSpec{}, &ConcurrencyLimitSpec{}, &LeakyBucketSpec{}}
	for _, s := range specs {
		if _, ok := Lookup(s.Key()); !ok {
			t.Errorf("%T: key %q not in the registry", s, s.Key())
		}
	}
	var labels []string
	for _, k := range Knobs(OnEdge) {
		labels = append(labels, k.Label)
	}
	if want := []string{"budget", "breaker", "retry breaker", "throttle", "hedge", "bulkhead"}; !slices.Equal(labels, want) {
		t.Errorf("edge knobs %v, want %v", labels, want)
	}
	if got := Specs(nil, (*BreakerSpec)(nil), &HedgeSpec{}); len(got) != 1 {
		t.Errorf("Specs kept %d tables, want the one set", len(got))
	}
}
