package lint

import (
	"os"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios"
)

func load(t *testing.T, path string) *scenarios.Scenario {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Load(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEveryRule: a scenario written to break every rule gets each
// finding once, at the line of the key it is about, with its severity.
func TestEveryRule(t *testing.T) {
	fs := Scenario(load(t, "testdata/every-rule.toml"))
	want := []struct {
		line int
		sev  Severity
		rule string
		has  string
	}{
		{4, Warning, RuleUnbounded, "api's queue has no bound and users retries"},
		{8, Warning, RuleDeadline, "api does not propagate it to db"},
		{8, Error, RuleTimeoutOrder, "api -> db waits 2s, not less than its caller users -> api's 1s"},
		{8, Warning, RuleNoBudget, "api retries (3 attempts per call) without a budget"},
		{8, Warning, RuleAmplification, "users -> api -> db: up to 3 x 3 = 9 attempts reach db"},
		{22, Error, RuleNoBudget, "with neither a budget nor backoff"},
		{22, Info, RuleAmplification, "users -> api: up to 3 attempts reach api"},
		{23, Warning, RuleBreakerOpen, "stays open 2m, longer than SLO avail's window of 1m"},
	}
	if len(fs) != len(want) {
		t.Errorf("%d findings, want %d:", len(fs), len(want))
		for _, f := range fs {
			t.Log(f)
		}
	}
	for i := range min(len(fs), len(want)) {
		f, w := fs[i], want[i]
		if f.Pos.Line != w.line || f.Severity != w.sev || f.Rule != w.rule || !strings.Contains(f.Message, w.has) || f.File != "testdata/every-rule.toml" {
			t.Errorf("finding %d:\n  %v\nwant line %d, %s, %s, %q", i, f, w.line, w.sev, w.rule, w.has)
		}
	}
	if m, ok := Max(fs); !ok || m != Error {
		t.Errorf("Max = %v, %v; want error", m, ok)
	}
	if n := Count(fs); n != [3]int{1, 5, 2} {
		t.Errorf("Count = %v, want [1 5 2] (info, warning, error)", n)
	}
}

// TestFixedScenario: the same world with every fix applied has no
// finding (retries capped and backed off at one layer only, timeouts
// nested, the deadline propagated, queues bounded, the breaker open for
// less than the SLO window).
func TestFixedScenario(t *testing.T) {
	s, err := scenarios.Load("fixed.toml", []byte(`
duration = "1m"

[[services]]
name = "api"
workers = 4
queue = { limit = 400 }
service_time = "exp(10ms)"
propagate_deadline = true
calls = [{ target = "db", timeout = "400ms" }]

[[services]]
name = "db"
workers = 4
queue = { limit = 10, drop_expired = true }
service_time = "exp(5ms)"

[[clients]]
name = "users"
target = "api"
rate = 10
timeout = "1s"
deadline = "3s"
retry = { attempts = 3, backoff = "exponential", jitter = "full" }
budget = { kind = "token_bucket" }
breaker = { open_for = "5s" }

[[slos]]
name = "avail"
client = "users"
objective = 0.99
window = "1m"
`))
	if err != nil {
		t.Fatal(err)
	}
	fs := Scenario(s)
	for _, f := range fs {
		if f.Severity > Info {
			t.Errorf("a fixed scenario: %v", f)
		}
	}
}

// TestBuiltins: every built-in lints without a panic, each finding is
// located in its file, and the lessons about bad policies say so: the
// 81x of retry-amplification, retry-storm's retries with neither budget
// nor backoff; the M/M/1 queue has nothing to find.
func TestBuiltins(t *testing.T) {
	got := map[string][]Finding{}
	for _, name := range scenarios.BuiltinNames() {
		s, err := scenarios.LoadBuiltin(name)
		if err != nil {
			t.Fatal(err)
		}
		fs := Scenario(s)
		for _, f := range fs {
			if f.Pos.Line < 1 || f.File == "" || f.Path == "" || f.Message == "" {
				t.Errorf("%s: a finding without location, path or message: %+v", name, f)
			}
		}
		got[name] = fs
	}
	has := func(name string, sev Severity, rule, text string) {
		t.Helper()
		for _, f := range got[name] {
			if f.Severity == sev && f.Rule == rule && strings.Contains(f.Message, text) {
				return
			}
		}
		t.Errorf("%s: no %s %s finding saying %q; got:", name, sev, rule, text)
		for _, f := range got[name] {
			t.Log(f)
		}
	}
	has("retry-amplification", Error, RuleAmplification, "3 x 3 x 3 x 3 = 81 attempts reach db")
	has("retry-amplification", Warning, RuleTimeoutOrder, "frontend -> backend makes up to 3 attempts of 1s (3s), longer than its caller gateway -> frontend's 2s")
	has("retry-storm", Error, RuleNoBudget, "with neither a budget nor backoff")
	has("metastable-retries", Warning, RuleNoBudget, "without a budget")
	if len(got["mm1"]) != 0 {
		t.Errorf("mm1: %v, want no finding", got["mm1"])
	}
}
