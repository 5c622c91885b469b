package tui

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/session"
	"github.com/stampede-sim/stampede/strategies"
)

func loadStrategies(t *testing.T) *scenarios.Scenario {
	t.Helper()
	return loadFile(t, "testdata/strategies.toml")
}

// TestStrategyMenu: the knob offers the strategies the scenario
// configures anywhere (base or variants), in entity order, with the
// settings the variants give them; a scenario with none gets the
// defaults; settings that would read the same are told apart by variant.
func TestStrategyMenu(t *testing.T) {
	strategyMenu := func(s *scenarios.Scenario) []session.StrategySetting {
		g, err := s.Session()
		if err != nil {
			t.Fatal(err)
		}
		return g.Strategies()
	}
	names := func(ss []session.StrategySetting) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return out
	}
	menu := strategyMenu(loadStrategies(t))
	want := []string{"budget users", "breaker users", "throttle users", "shed api", "concurrency limit api"}
	if got := names(menu); !slices.Equal(got, want) {
		t.Fatalf("strategies.toml: %q, want %q", got, want)
	}
	if b := menu[1].Values[0].(*strategies.BreakerSpec); menu[1].Path() != "clients.users.breaker" ||
		b.OpenFor != 2*time.Second || b.Size != 50 || b.MinCalls != 20 {
		t.Errorf("the breaker is %s = %+v, want the breaker variant's", menu[1].Path(), b)
	}
	demo := strategyMenu(loadDemo(t))
	if got, want := names(demo), []string{"budget users", "breaker users", "shed api"}; !slices.Equal(got, want) {
		t.Fatalf("demo: %q, want the defaults %q", got, want)
	}
	if sh := demo[2].Values[0].(*strategies.ShedSpec); sh.Concurrency != 16 {
		t.Errorf("default shedding at %d held, want 4 x 4 workers", sh.Concurrency)
	}

	// two queue orders and two sheds from different variants, and an edge
	base, err := loadDemo(t).VariantConfig(scenarios.BaseName)
	if err != nil {
		t.Fatal(err)
	}
	base.Services = append(slices.Clone(base.Services), config.ServiceConfig{Name: "db", ServiceTime: base.Services[0].ServiceTime})
	base.Services[0].Calls = []config.CallConfig{{Target: "db", ClientPolicy: config.ClientPolicy{Breaker: &strategies.BreakerSpec{}}}}
	vnames, cfgs := []string{"base"}, []config.Config{base}
	for _, v := range []struct {
		name  string
		order config.QueueOrder
		shed  int
	}{{"lifo", config.LIFO, 0}, {"codel-a", config.CoDel, 8}, {"codel-b", config.CoDel, 9}} {
		c := base
		c.Services = slices.Clone(base.Services)
		c.Services[0].Queue.Order = v.order
		if v.name == "codel-b" {
			c.Services[0].Queue.CoDelVariant = "folly"
		}
		if v.shed > 0 {
			c.Services[0].Shed = &strategies.ShedSpec{Concurrency: v.shed}
		}
		vnames, cfgs = append(vnames, v.name), append(cfgs, c)
	}
	got := names(session.StrategyMenu(vnames, cfgs))
	want = []string{"budget users", "breaker users", "shed api (codel-a)", "shed api (codel-b)", "order api lifo",
		"order api codel (codel-a)", "order api codel (codel-b)", "breaker api->db", "shed db"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestStrategyToggle: x turns the chosen strategy on in the base for the
// whole run (a re-run), every variant gets it unless its overrides set it
// themselves, the knob line and the status lines show it, and x again
// turns it off.
func TestStrategyToggle(t *testing.T) {
	d := newDriver(t, Options{Open: loadStrategies(t)}, 120, 40)
	d.frames(20, frame)
	d.key("v") // breaker users
	if !strings.Contains(d.m.run.note, "strategy 2/5: breaker users, off · x turns it on") {
		t.Fatalf("note %q", d.m.run.note)
	}
	d.key("x")
	ivs := d.m.run.sess.Interventions()
	if len(ivs) != 1 || ivs[0].Kind != session.SetStrategy || !ivs[0].On || ivs[0].Strategy.Name != "breaker users" {
		t.Fatalf("recorded %+v", ivs)
	}
	if on, _ := d.m.run.sess.Rerunning(); !on {
		t.Fatal("turning a strategy on did not re-run the variants")
	}
	for i := 0; i < 100 && !d.m.run.sess.CaughtUp(); i++ {
		d.frames(1, frame)
	}
	want := &strategies.BreakerSpec{OpenFor: 2 * time.Second, Size: 50, MinCalls: 20}
	for i, c := range d.m.run.sess.Configs() {
		if got := c.Clients[0].Breaker; !reflect.DeepEqual(got, want) {
			t.Errorf("variant %d: breaker %+v, want %+v", i, got, want)
		}
	}
	scr := d.screen()
	if !strings.Contains(scr, "v/x strategy breaker users on") {
		t.Errorf("the knob line does not show the breaker on:\n%s", scr)
	}
	if !strings.Contains(scr, "breaker users on (whole run)") {
		t.Errorf("the timeline does not show the toggle:\n%s", scr)
	}
	for _, l := range strings.Split(scr, "\n") {
		if strings.HasPrefix(l, "■ ") && !strings.Contains(l, "breaker ") {
			t.Errorf("a status line does not show the breaker's state: %s", l)
		}
	}
	d.frames(10, frame)
	d.key("x")
	for i := 0; i < 100 && !d.m.run.sess.CaughtUp(); i++ {
		d.frames(1, frame)
	}
	cfgs := d.m.run.sess.Configs()
	if cfgs[0].Clients[0].Breaker != nil || cfgs[2].Clients[0].Breaker != nil {
		t.Error("x again did not turn the breaker off")
	}
	if !reflect.DeepEqual(cfgs[1].Clients[0].Breaker, want) {
		t.Error("the breaker variant lost its own breaker")
	}
	if !strings.Contains(d.screen(), "v/x strategy breaker users off") {
		t.Errorf("the knob line does not show the breaker off:\n%s", d.screen())
	}
}

// TestRetryKnob: a/A set every client's retry attempts for the whole run,
// within [1, 100]; a variant that sets its own keeps it.
func TestRetryKnob(t *testing.T) {
	d := newDriver(t, Options{Open: loadStrategies(t)}, 120, 40)
	d.frames(10, frame)
	d.key("A")
	if got := d.m.run.sess.Configs()[0].Clients[0].Retry.Attempts; got != 4 {
		t.Fatalf("after A: %d attempts, want 4", got)
	}
	for range 3 {
		d.key("a")
	}
	if got := d.m.run.sess.Configs()[3].Clients[0].Retry.Attempts; got != 1 {
		t.Fatalf("after A then a x3: %d attempts, want 1", got)
	}
	d.key("a")
	if !d.m.run.noteErr || !strings.Contains(d.m.run.note, "1 to 100 attempts") {
		t.Errorf("a at 1 attempt: note %q", d.m.run.note)
	}
	ivs := d.m.run.sess.Interventions()
	if len(ivs) != 4 || ivs[3].Kind != session.SetRetries || ivs[3].Attempts != 1 || !strings.Contains(ivs[3].String(), "attempts users -> 1 (whole run)") {
		t.Errorf("recorded %+v", ivs)
	}
	for i := 0; i < 100 && !d.m.run.sess.CaughtUp(); i++ {
		d.frames(1, frame)
	}
	if !strings.Contains(d.screen(), "a/A attempts users 1") {
		t.Errorf("the knob line does not show 1 attempt:\n%s", d.screen())
	}
}

// TestStrategyStatus: the status line items show the strategies' state
// by name, live from the snapshot and from the interval's means while
// time travelling.
func TestStrategyStatus(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{0, "closed"}, {1, "open"}, {0.5, "half_open"}, {0.25, "open 25%"}, {math.NaN(), "—"}} {
		if got := ansi.Strip(breakerMean(c.x)); got != c.want {
			t.Errorf("breakerMean(%v) = %q, want %q", c.x, got, c.want)
		}
	}
	for _, c := range []struct {
		p    float64
		want string
	}{{0, "0%"}, {0.532, "53%"}, {0.025, "2.5%"}, {0.0012, "0.12%"}} {
		if got := fmtPercent(c.p); got != c.want {
			t.Errorf("fmtPercent(%v) = %q, want %q", c.p, got, c.want)
		}
	}
	d := newDriver(t, Options{Open: loadStrategies(t)}, 160, 40)
	d.frames(30, frame) // 14.5s (the first frame sets the wall clock): the spike since 10s
	line := func(name string) string {
		for _, l := range strings.Split(d.screen(), "\n") {
			if strings.HasPrefix(l, "■ "+name+" ") {
				return l
			}
		}
		t.Fatalf("no status line for %s:\n%s", name, d.screen())
		return ""
	}
	for name, want := range map[string]string{"breaker": "breaker open", "budget": "tokens 0", "throttle": "throttle 53%",
		"limit": "limit 200", "shed": "shed 811/s", "base": "retries 1.1k/s"} {
		if l := line(name); !strings.Contains(l, want) {
			t.Errorf("%s: %q does not show %q", name, l, want)
		}
	}
	d.key("left") // the interval [13s, 14s)
	if l := line("breaker"); !strings.Contains(l, "breaker open") {
		t.Errorf("time travel: %q", l)
	}
}
