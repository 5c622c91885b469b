package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/scenarios/format"
)

const setBase = `
duration = "1m"

[[services]]
name = "api-v2"
service_time = "exp(20ms)"
calls = [{ target = "db" }]

[[services]]
name = "db"
service_time = "1ms"

[[clients]]
name = "users"
target = "api-v2"
rate = 10

[[faults]]
kind = "slowdown"
target = "db"
at = "10s"
for = "5s"
factor = 2
`

// TestSetPaths applies settings through every kind of path: entries by
// name and by index, pointers, embedded structs,
// the merged [limits] table, distributions and whole arrays.
func TestSetPaths(t *testing.T) {
	s := mustLoad(t, "set.toml", setBase)
	for _, c := range []struct {
		path  string
		value any
		check func(*Scenario) bool
	}{
		{"clients.users.timeout", "250ms", func(s *Scenario) bool { return s.Clients[0].Timeout == 250*time.Millisecond }},
		{"clients.0.rate", int64(20), func(s *Scenario) bool { return s.Clients[0].Rate == 20 }},
		{"services.api-v2.queue.limit", int64(7), func(s *Scenario) bool { l := s.Services[0].Queue.Limit; return l != nil && *l == 7 }},
		{"services.api-v2.calls.0.timeout", "1s", func(s *Scenario) bool { return s.Services[0].Calls[0].Timeout == time.Second }},
		{"services.db.service_time", "exp(2ms)", func(s *Scenario) bool { return s.Services[1].ServiceTime.String() == "exp(2ms)" }},
		{"faults.0.factor", 3.5, func(s *Scenario) bool { return s.Faults[0].Factor == 3.5 }},
		{"limits.max_wall", "1m", func(s *Scenario) bool { return s.RunLimits.MaxWall == time.Minute }},
		{"limits.max_events", int64(99), func(s *Scenario) bool { return s.Config.Limits.MaxEvents == 99 }},
		{"seed", int64(5), func(s *Scenario) bool { return s.Config.Seed == 5 }},
		{"clients.users.schedule", []any{map[string]any{"at": "5s", "rate": int64(3)}},
			func(s *Scenario) bool { return len(s.Clients[0].Schedule) == 1 && s.Clients[0].Schedule[0].Rate == 3 }},
	} {
		c2 := format.Clone(s)
		d := format.NewDecoder("set")
		if !d.Set(c2, format.Setting{Path: c.path, Value: c.value}, format.Path{Disp: c.path}) {
			t.Errorf("%s: %v", c.path, d.Err())
			continue
		}
		if !c.check(c2) {
			t.Errorf("%s = %v did not take", c.path, c.value)
		}
	}
	// The original is untouched (settings apply to deep copies).
	if s.Services[0].Queue.Limit != nil || s.Clients[0].Timeout != 0 || len(s.Clients[0].Schedule) != 0 {
		t.Error("applying a setting to a clone changed the original")
	}
}

func TestSetPathErrors(t *testing.T) {
	s := mustLoad(t, "set.toml", setBase)
	for _, c := range []struct {
		path string
		want string
	}{
		{"", "empty path"},
		{"services.api.workers", `services has no entry named "api"`},
		{"services.apiv2.workers", `services has no entry named "apiv2"; did you mean "api-v2"?`},
		{"faults.1.factor", "faults has 1 entry: index 1 is out of range [0, 0]"},
		{"services.db.service_time.mean", `services[db].service_time is a single value: it has no key "mean"`},
		{"variants", "variants and sweeps cannot set it"},
		{"limits", "limits is a table: set its keys"},
		{"recovery.tolerence", `did you mean "tolerance"?`},
	} {
		_, _, err := format.Resolve(format.Clone(s), c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("resolve(%q): %v, want %q", c.path, err, c.want)
		}
	}
}
