package scenarios

import (
	"os"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// TestWorkLimit: a scenario whose runs are estimated over MaxWork is
// refused at load time and when --set makes it so, with the numbers, and
// accepted with Force (issue 13 item 6). Nothing here runs it.
func TestWorkLimit(t *testing.T) {
	const bomb = "testdata/bad/work-fanout-bomb.toml"
	src, err := os.ReadFile(bomb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bomb, src); err == nil || !strings.Contains(err.Error(), "over the limit of 5e+08") {
		t.Errorf("the fan-out bomb loads: %v", err)
	}
	if _, err := LoadWith(bomb, src, LoadOptions{Force: true}); err != nil {
		t.Errorf("with Force: %v", err)
	}

	s, err := LoadBuiltin("mm1")
	if err != nil {
		t.Fatal(err)
	}
	long := Options{Set: []string{"duration=1000h", "interval=1m"}}
	if _, err := prepare(s, long); err == nil || !strings.Contains(err.Error(), "2.88e+09 attempts") {
		t.Errorf("mm1 for 1000h: %v, want refused with its 2.88e+09 attempts", err)
	}
	long.Force = true
	if _, err := prepare(s, long); err != nil {
		t.Errorf("mm1 for 1000h with Force: %v", err)
	}
}

// TestWorkEstimate: the worst case multiplies calls, retries and hedges
// along the call graph, counts misses through a cache, a closed client's
// users by their cycle, and bursts, spikes and restarts.
func TestWorkEstimate(t *testing.T) {
	s := mustLoad(t, "w.toml", `
duration = "100s"

[[services]]
name = "a"
service_time = "1ms"
calls = [{ target = "b", count = 2, retry = { attempts = 3 } }, { target = "c", hedge = { delay = "5ms", max_attempts = 3 } }]

[[services]]
name = "b"
service_time = "1ms"
calls = [{ target = "c" }]

[[caches]]
name = "c"
backend = "d"
keys = 10
retry = { attempts = 2 }

[[services]]
name = "d"
service_time = "10ms"

[[clients]]
name = "open"
target = "a"
rate = 10
schedule = [{ at = "50s", rate = 20 }]
burst = { size = 5, every = "10s" }

[[clients]]
name = "closed"
model = "closed"
users = 4
think = "90ms"
target = "d"

[[faults]]
kind = "load_spike"
target = "open"
at = "10s"
for = "10s"
factor = 2
extra = 1
`)
	w := estimateWork(&s.Config)
	// c: 1 + 2 x d = 3; b: 1 + c = 4; a: 1 + 6 x b + 3 x c = 34.
	// open: 20/s x 100s + 50 from bursts + (20 + 1) x 10 from the spike
	// = 2260 calls of 34; closed: 4 users x 100s / (90ms + 10ms) = 4000
	// calls of 1.
	if want := 2260*34 + 4000.0; w.attempts != want || w.calls != 6260 || w.perCall != 34 || w.client != "open" {
		t.Errorf("estimate %+v, want %v attempts of 6260 calls, 34 per call of open", w, want)
	}
	if w.edge != "a -> b" || w.edgeX != 6 {
		t.Errorf("largest edge %q x%v, want a -> b x6", w.edge, w.edgeX)
	}
}

// TestBuiltinsUnderWorkLimit: every built-in, in every variant and at
// every sweep value, is estimated well under MaxWork: a tenth of it.
func TestBuiltinsUnderWorkLimit(t *testing.T) {
	for _, name := range BuiltinNames() {
		s, err := LoadBuiltin(name)
		if err != nil {
			t.Fatal(err)
		}
		var worst worstRun
		worst.consider(&s.Config, "", format.Path{})
		for _, v := range s.Variants {
			vs, err := s.VariantConfig(v.Name)
			if err != nil {
				t.Fatal(err)
			}
			worst.consider(&vs, v.Name, format.Path{})
		}
		if worst.w.attempts > MaxWork/10 {
			t.Errorf("%s (%s): %.3g attempts estimated, over a tenth of MaxWork", name, worst.where, worst.w.attempts)
		}
	}
}
