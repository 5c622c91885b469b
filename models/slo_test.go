package models

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// feed runs an SLO tracker over a synthetic series: interval i has
// total[i] calls of which bad[i] failed.
func feed(s *sloRun, total, bad []int64) {
	for i := range total {
		for k := int64(0); k < total[i]; k++ {
			r := strategies.ReasonOK
			if k < bad[i] {
				r = strategies.ReasonError
			}
			s.observe(r, time.Millisecond)
		}
		s.roll(sim.Time(time.Duration(i+1) * s.interval))
	}
}

func TestBurnRateAndBudgetArithmetic(t *testing.T) {
	// Objective 99%: the budget is 1% of calls. Window 10 intervals of 1s.
	cfg := config.SLOConfig{Name: "s", Client: "c", Objective: 0.99, Window: 10 * time.Second, TimeScale: 1,
		Alerts: []config.AlertConfig{{Name: "a", Severity: config.Page, BurnRate: 1, Long: time.Second, Short: time.Second}}}
	s := newSLORun(&cfg, time.Second)
	// Interval 0: 100 calls, none bad. Interval 1: 100 calls, 5 bad.
	feed(s, []int64{100, 100}, []int64{0, 5})
	wantNear(t, "sli[1]", s.sSLI[1], 0.95, 1e-12)
	// burn = error ratio / budget = 0.05 / 0.01
	wantNear(t, "burn[1]", s.sBurn[1], 5, 1e-9)
	wantNear(t, "burn[0]", s.sBurn[0], 0, 1e-12)
	wantNear(t, "budget[0]", s.sBudget[0], 1, 1e-12)
	// After 2 of 10 intervals: 5 bad of 200 is a burn rate of 2.5 over 2s,
	// which uses 2.5 x 2/10 = 0.5 of the window's budget.
	wantNear(t, "budget[1]", s.sBudget[1], 0.5, 1e-9)
	sum, alerts := s.summary(sim.Time(2*time.Second), nil)
	wantEq(t, "total", sum.Total, results.Count(200))
	wantEq(t, "good", sum.Good, results.Count(195))
	wantEq(t, "bad", sum.Bad, results.Count(5))
	wantNear(t, "sli", *sum.SLI, 0.975, 1e-12)
	wantEq(t, "met", sum.Met, false)
	wantNear(t, "burn_rate", sum.BurnRate, 2.5, 1e-9)
	wantNear(t, "max_burn_rate", sum.MaxBurnRate, 5, 1e-9)
	// The run (2s) consumed 2.5 x 2/10 of one window's budget.
	wantNear(t, "budget_spent", sum.BudgetSpent, 0.5, 1e-9)
	wantNear(t, "budget_remaining", sum.BudgetRemaining, 0.5, 1e-9)
	wantNear(t, "budget_remaining_min", sum.BudgetRemainingMin, 0.5, 1e-9)
	wantEq(t, "window_s", sum.WindowS, 10.0)
	// A 1x rule over 1s windows fires at the end of interval 1 (5% > 1%).
	wantEq(t, "first alert", sum.FirstAlert, "a")
	wantNear(t, "first_alert_s", *sum.FirstAlertS, 2, 0)
	wantEq(t, "fired", alerts["a"].Fired, results.Count(1))
	// No fault: a false positive.
	wantEq(t, "false positives", alerts["a"].FalsePositives, results.Count(1))

	// The rolling window: with a 2-interval window, after a third clean
	// interval the bad one has left it.
	cfg2 := cfg
	cfg2.Window = 2 * time.Second
	s2 := newSLORun(&cfg2, time.Second)
	feed(s2, []int64{100, 100, 100, 100}, []int64{0, 5, 0, 0})
	// end of 1: intervals 0-1, 5/200 -> burn 2.5 over the full window
	wantNear(t, "rolling budget[1]", s2.sBudget[1], 1-2.5, 1e-9)
	wantNear(t, "rolling budget[2]", s2.sBudget[2], 1-2.5, 1e-9)
	wantNear(t, "rolling budget[3]", s2.sBudget[3], 1, 1e-12)

	// An interval without calls has no SLI and does not fire.
	s3 := newSLORun(&cfg, time.Second)
	feed(s3, []int64{0, 0}, []int64{0, 0})
	if !math.IsNaN(s3.sSLI[0]) || !math.IsNaN(s3.sBurn[1]) {
		t.Errorf("empty intervals: sli %v burn %v, want NaN", s3.sSLI, s3.sBurn)
	}
	sum3, _ := s3.summary(sim.Time(2*time.Second), nil)
	if sum3.SLI != nil || !sum3.Met || sum3.FirstAlert != "" {
		t.Errorf("no calls: sli %v met %v first alert %q; want null, true, none", sum3.SLI, sum3.Met, sum3.FirstAlert)
	}
}

func TestLatencyThresholdIsGoodness(t *testing.T) {
	cfg := config.SLOConfig{Name: "s", Client: "c", Objective: 0.9, Latency: 100 * time.Millisecond, Window: time.Second, TimeScale: 1}
	cfg.Alerts = nil
	s := newSLORun(&cfg, time.Second)
	s.observe(strategies.ReasonOK, 100*time.Millisecond)   // at the bound: good
	s.observe(strategies.ReasonOK, 100*time.Millisecond+1) // over: bad
	s.observe(strategies.ReasonTimeout, time.Millisecond)  // failed: bad
	s.roll(sim.Time(time.Second))
	wantEq(t, "good", s.sGood[0], 1.0)
	wantEq(t, "total", s.sTotal[0], 3.0)
}

func TestAlertTimingOnASyntheticSeries(t *testing.T) {
	// Objective 99.9%; one rule: 10x over a 10s long and a 2s short
	// window (time scale 1, 1s intervals): it fires when more than 1% of
	// the calls in both windows failed.
	cfg := config.SLOConfig{Name: "s", Client: "c", Objective: 0.999, Window: 60 * time.Second, TimeScale: 1,
		Alerts: []config.AlertConfig{{Name: "fast", Severity: config.Page, BurnRate: 10, Long: 10 * time.Second, Short: 2 * time.Second}}}
	s := newSLORun(&cfg, time.Second)
	total := make([]int64, 60)
	bad := make([]int64, 60)
	for i := range total {
		total[i] = 100
	}
	// A fault in [30s, 40s): 6 bad calls per interval (6%).
	for i := 30; i < 40; i++ {
		bad[i] = 6
	}
	// A blip with no fault at interval 55: half the calls fail.
	bad[55] = 50
	feed(s, total, bad)
	// End of 30: long 6/1000 = 0.6% (no). End of 31: long 12/1000 = 1.2%,
	// short 12/200 = 6%: fires at 32s, 2s after the fault began. End of
	// 40: short (39, 40) 6/200 still > 1%. End of 41: short 0: resolves
	// at 42s. The blip: end of 55, long 50/1000 = 5%, short 50/200: fires
	// at 56s; end of 56, short (55, 56) still 25%; end of 57 resolves at
	// 58s. The fault ended at 40s; the grace (the long window, 10s) ends
	// at 50s: the blip's firing is a false positive.
	faults := []results.FaultWindow{{Kind: string(config.FaultErrorRate), Target: "api", StartS: 30, EndS: 40}}
	sum, alerts := s.summary(sim.Time(60*time.Second), faults)
	a := alerts["fast"]
	wantEq(t, "fired", a.Fired, results.Count(2))
	wantEq(t, "false positives", a.FalsePositives, results.Count(1))
	if len(a.Fires) != 2 {
		t.Fatalf("fires = %+v, want 2", a.Fires)
	}
	wantEq(t, "fire 0 start", a.Fires[0].StartS, 32.0)
	wantEq(t, "fire 0 end", *a.Fires[0].EndS, 42.0)
	wantEq(t, "fire 0 false positive", a.Fires[0].FalsePositive, false)
	wantEq(t, "fire 1 start", a.Fires[1].StartS, 56.0)
	wantEq(t, "fire 1 end", *a.Fires[1].EndS, 58.0)
	wantEq(t, "fire 1 false positive", a.Fires[1].FalsePositive, true)
	wantEq(t, "firing_s", a.FiringS, 12.0)
	wantEq(t, "detect_s", *a.DetectS, 2.0)
	wantEq(t, "detected", a.Detected, 1)
	wantEq(t, "missed", a.Missed, 0)
	wantEq(t, "long_s", a.LongS, 10.0)
	wantEq(t, "short_s", a.ShortS, 2.0)
	wantEq(t, "grace_s", a.GraceS, 10.0)
	// Budget spent before the page: the 12 bad calls of intervals 30 and
	// 31, against one window's budget of 0.1% of 6000 calls (6).
	wantNear(t, "budget spent at detection", *a.Faults[0].BudgetSpent, 2, 1e-9)
	wantEq(t, "first alert", sum.FirstAlert, "fast")
	// The firing series: 1 at the ends of intervals 31..40 and 55..56.
	for i, v := range s.alerts[0].sFiring {
		want := 0.0
		if (i >= 31 && i <= 40) || i == 55 || i == 56 {
			want = 1
		}
		if v != want {
			t.Errorf("firing at the end of interval %d = %v, want %v", i, v, want)
		}
	}
}

func TestAlertStillFiringAtTheEndAndMissedFaults(t *testing.T) {
	cfg := config.SLOConfig{Name: "s", Client: "c", Objective: 0.99, Window: 10 * time.Second, TimeScale: 1,
		Alerts: []config.AlertConfig{{Name: "slow", Severity: config.Ticket, BurnRate: 50, Long: 4 * time.Second, Short: time.Second}}}
	s := newSLORun(&cfg, time.Second)
	// 50x needs more than 50% errors over 4 intervals. Interval 1 has 40%
	// (a fault the rule misses); intervals 6.. fail entirely.
	feed(s, []int64{10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, []int64{0, 4, 0, 0, 0, 0, 10, 10, 10, 10})
	faults := []results.FaultWindow{{Kind: string(config.FaultSlowdown), Target: "api", StartS: 1, EndS: 2}, {Kind: string(config.FaultOutage), Target: "api", StartS: 6, EndS: 20}}
	_, alerts := s.summary(sim.Time(10*time.Second), faults)
	a := alerts["slow"]
	// End of 6: long (3..6) 10/40 = 25%: no. End of 7: 20/40: no (not
	// more than 50%). End of 8: 30/40: fires at 9s, still firing at 10s.
	wantEq(t, "fired", a.Fired, results.Count(1))
	wantEq(t, "fire start", a.Fires[0].StartS, 9.0)
	if a.Fires[0].EndS != nil {
		t.Errorf("fire end = %v, want null (still firing)", *a.Fires[0].EndS)
	}
	wantEq(t, "firing_s", a.FiringS, 1.0)
	wantEq(t, "detected", a.Detected, 1)
	wantEq(t, "missed", a.Missed, 1)
	if a.DetectS != nil {
		t.Errorf("detect_s = %v, want null: the first fault was missed", *a.DetectS)
	}
	wantEq(t, "second fault detect_s", *a.Faults[1].DetectS, 3.0)
}

func TestDefaultAlertTableScaledToTheRun(t *testing.T) {
	// A 10-minute run with 1s intervals and the default window (the run)
	// maps 30 days onto 10 minutes: x 1/4320. 1h -> 0.83s -> 1 interval;
	// 6h -> 5s; 3d -> 60s and its 6h short window -> 5s.
	cfg := oneService(100, "1ms", 10*time.Minute)
	cfg.SLOs = []config.SLOConfig{{Name: "avail", Client: "c", Objective: 0.999}}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := w.Config().SLOs[0]
	wantNear(t, "time_scale", got.TimeScale, 600.0/(30*24*3600), 1e-15)
	wantEq(t, "rules", len(got.Alerts), 3)
	if err := w.Advance(sim.Time(2*time.Second), 1<<40); err {
		t.Fatal("done early")
	}
	res := w.Results()
	al := res.Summary.Alerts["avail"]
	for _, c := range []struct {
		name          string
		long, short   float64
		burn          float64
		severity      config.Severity
		budgetPercent float64
	}{
		{"page-1h", 1, 1, 14.4, config.Page, 2},
		{"page-6h", 5, 1, 6, config.Page, 5},
		{"ticket-3d", 60, 5, 1, config.Ticket, 10},
	} {
		a := al[c.name]
		wantEq(t, c.name+" long_s", a.LongS, c.long)
		wantEq(t, c.name+" short_s", a.ShortS, c.short)
		wantEq(t, c.name+" burn_rate", a.BurnRate, c.burn)
		wantEq(t, c.name+" severity", a.Severity, results.Severity(c.severity))
	}
	// The workbook's budget shares: burn x long / period.
	for _, a := range config.DefaultAlerts() {
		share := a.BurnRate * float64(a.Long) / float64(config.BudgetPeriod) * 100
		want := map[string]float64{"page-1h": 2, "page-6h": 5, "ticket-3d": 10}[a.Name]
		wantNear(t, a.Name+" budget share %", share, want, 1e-9)
	}
}

func TestSLOCountsAreExactInTheWorld(t *testing.T) {
	// Constant arrivals every 100ms (0.1s, 0.2s, ...), 5ms of work, one
	// worker: no queueing. A 10x slowdown from 10.05s to 20.05s makes the
	// calls issued at 10.1s ... 20.0s take 50ms, over the 20ms bound: 100
	// bad calls. A call completes 5ms or 50ms after it is issued, so
	// interval k holds the calls issued at k.0 ... k.9: interval 10 has 9
	// bad (10.0 was before the slowdown), 11..19 have 10, 20 has 1.
	cfg := oneService(10, "5ms", 30*time.Second)
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 10050 * time.Millisecond, For: 10 * time.Second, Factor: 10}}
	cfg.SLOs = []config.SLOConfig{{Name: "fast", Client: "c", Objective: 0.99, Latency: 20 * time.Millisecond}}
	_, res := run(t, cfg)
	s := res.Series.SLOs[0]
	for i := range s.Total {
		wantTotal := 10.0
		if i == 0 {
			wantTotal = 9
		}
		wantBad := 0.0
		switch {
		case i == 10:
			wantBad = 9
		case i > 10 && i < 20:
			wantBad = 10
		case i == 20:
			wantBad = 1
		}
		if s.Total[i] != wantTotal || s.Total[i]-s.Good[i] != wantBad {
			t.Errorf("interval %d: total %v bad %v, want %v and %v", i, s.Total[i], s.Total[i]-s.Good[i], wantTotal, wantBad)
		}
	}
	sum := res.Summary.SLOs["fast"]
	wantEq(t, "bad", sum.Bad, results.Count(100))
	wantEq(t, "total", sum.Total, results.Count(299))
	// The fast page (14.4x: more than 14.4% bad over 1 interval) fires
	// at the end of interval 10 (9/10 bad): 11s, 0.95s after the fault.
	a := res.Summary.Alerts["fast"]["page-1h"]
	wantNear(t, "detect_s", *a.DetectS, 0.95, 1e-9)
	wantEq(t, "false positives", a.FalsePositives, results.Count(0))
	// JSON carries both maps.
	var b strings.Builder
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"slos": {`, `"alerts": {`, `"page-1h": {`, `"budget_remaining"`} {
		if !strings.Contains(b.String(), k) {
			t.Errorf("results JSON lacks %s", k)
		}
	}
	// And the flat encoders.
	got := map[string]float64{}
	for _, m := range res.Summary.Metrics() {
		got[m.Name] = m.Value
	}
	wantEq(t, "metric slos.fast.bad", got["slos.fast.bad"], 100.0)
	wantNear(t, "metric alerts.fast.page-1h.detect_s", got["alerts.fast.page-1h.detect_s"], 0.95, 1e-9)
	var csv strings.Builder
	if err := res.WriteSeriesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"\n10,slo,fast,total,10\n", "\n11,slo,fast,good,0\n", "\n11,slo,fast,alerts.page-1h,1\n"} {
		if !strings.Contains(csv.String(), k) {
			t.Errorf("series CSV lacks %q", k)
		}
	}
}

func TestSLOValidation(t *testing.T) {
	base := oneService(10, "5ms", 10*time.Second)
	for _, c := range []struct {
		slo  config.SLOConfig
		want string
	}{
		{config.SLOConfig{Name: "a", Client: "nobody", Objective: 0.9}, `slos[a].client: "nobody" is not a client`},
		{config.SLOConfig{Name: "a", Client: "api->db", Objective: 0.9}, `slos[a].client: "api->db" is not an edge`},
		{config.SLOConfig{Name: "a", Client: "c", Objective: 1}, "slos[a].objective: must be in (0, 1)"},
		{config.SLOConfig{Name: "a", Client: "c", Objective: 0.9, Latency: -1}, "slos[a].latency: must be >= 0"},
		{config.SLOConfig{Name: "a", Client: "c", Objective: 0.9, TimeScale: -1}, "slos[a].time_scale: must be a finite number > 0"},
		{config.SLOConfig{Name: "a", Client: "c", Objective: 0.9, Alerts: []config.AlertConfig{{Name: "x", BurnRate: 2, Long: time.Second, Short: 2 * time.Second}}},
			"slos[a].alerts[x].short: must not be longer than long"},
		{config.SLOConfig{Name: "a", Client: "c", Objective: 0.9, Alerts: []config.AlertConfig{{Name: "x", Long: time.Second}}},
			"slos[a].alerts[x].burn_rate: must be a finite number > 0"},
		{config.SLOConfig{Name: "a", Client: "c", Objective: 0.9, Alerts: []config.AlertConfig{{Name: "x", BurnRate: 1, Long: time.Second, Severity: "email"}}},
			"slos[a].alerts[x].severity: must be one of page, ticket"},
	} {
		cfg := base
		cfg.SLOs = []config.SLOConfig{c.slo}
		_, err := Build(cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.slo, err, c.want)
		}
		var fe *config.FieldError
		if err != nil && !errors.As(err, &fe) {
			t.Errorf("error %v is not a *FieldError", err)
		}
	}
	cfg := base
	cfg.SLOs = []config.SLOConfig{{Name: "a", Client: "c", Objective: 0.9}, {Name: "a", Client: "c", Objective: 0.9}}
	if _, err := Build(cfg); err == nil || !strings.Contains(err.Error(), "already the name of an SLO") {
		t.Errorf("duplicate SLO names: %v", err)
	}
	// ApplyDefaults does not touch the caller's SLO list.
	cfg = base
	slos := []config.SLOConfig{{Name: "a", Client: "c", Objective: 0.9}}
	cfg.SLOs = slos
	if _, err := Build(cfg); err != nil {
		t.Fatal(err)
	}
	if slos[0].Window != 0 || slos[0].Alerts != nil {
		t.Errorf("Build changed the caller's SLO: %+v", slos[0])
	}
}
