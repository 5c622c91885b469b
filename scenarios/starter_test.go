package scenarios

import (
	"fmt"
	"strings"
	"testing"
)

// TestStarterLoads: every starter `stampede new` can write (each number of
// tiers, each combination of flags) loads and validates, and the base
// runs to the end with calls that succeed.
func TestStarterLoads(t *testing.T) {
	for tiers := 1; tiers <= MaxStarterTiers; tiers++ {
		for flags := range 16 {
			o := StarterOptions{Tiers: tiers, Cache: flags&1 != 0, Retries: flags&2 != 0, Breaker: flags&4 != 0, Outage: flags&8 != 0}
			name := fmt.Sprintf("tiers=%d cache=%v retries=%v breaker=%v outage=%v", tiers, o.Cache, o.Retries, o.Breaker, o.Outage)
			src, err := Starter(o)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			s, err := Load("starter.toml", src)
			if err != nil {
				t.Errorf("%s: does not load:\n%v\n%s", name, err, src)
				continue
			}
			if want := 1 + b2i(o.Retries) + b2i(o.Breaker); len(s.Variants)+1 != want {
				t.Errorf("%s: %d variants besides the base, want %d", name, len(s.Variants), want-1)
			}
			if tiers != 3 || flags != 15 {
				continue
			}
			r, err := Run(s, Options{Parallel: 1})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for i := range r.Rows {
				if g, _ := r.Rows[i].Value("goodput"); !(g.(float64) > 300) {
					t.Errorf("%s: variant %s: goodput %v, want > 300 of the 400 calls/s", name, r.Rows[i].Variant, g)
				}
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestStarterErrors(t *testing.T) {
	for _, c := range []struct {
		o    StarterOptions
		want string
	}{
		{StarterOptions{Tiers: 6}, "--tiers 6: must be in [1, 5]"},
		{StarterOptions{Tiers: -1}, "--tiers -1: must be in [1, 5]"},
		{StarterOptions{Title: `a "b"`}, `must not hold a quote`},
	} {
		if _, err := Starter(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.o, err, c.want)
		}
	}
}
