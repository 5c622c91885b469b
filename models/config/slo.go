package config

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// SLOs follow the SRE book's vocabulary (Beyer et al., "Site Reliability
// Engineering", ch. 4) and the SRE workbook's "Alerting on SLOs"
// (REFERENCES §13): an SLI is the fraction of good events, the error
// budget is 1 - objective, and the burn rate is the observed error ratio
// over the budget (1 means the budget lasts exactly the compliance
// window).

// SLOConfig is a service level objective on the calls of one client or one
// call edge: the fraction of calls that are good (succeeded, and within
// Latency when set) must be at least Objective over the compliance window.
// Calls count when they complete, exactly, whatever their outcome.
type SLOConfig struct {
	// Name identifies the SLO in results; unique among SLOs. Letters,
	// digits, '_' and '-'.
	Name string `toml:"name"`
	// Client names the calls covered: a client, or a downstream call edge
	// "from->to" (a service's or a cache's calls). Required.
	Client string `toml:"client"`
	// Objective is the target fraction of good calls, in (0, 1): 0.999
	// is "three nines". Required.
	Objective float64 `toml:"objective"`
	// Latency, when > 0, makes a successful call good only if it took at
	// most Latency (from issue to answer, retries included). Zero means
	// success alone is good.
	Latency time.Duration `toml:"latency"`
	// Window is the compliance window the error budget covers, rounded to
	// whole intervals (at least one). Zero means the run's duration.
	Window time.Duration `toml:"window"`
	// TimeScale multiplies the alert rules' windows (written in
	// production time, like the workbook's 1h and 5m). Zero means Window
	// / 30 days: the workbook's 30-day budget period mapped onto the
	// compliance window, so each rule keeps its share of the budget.
	TimeScale float64 `toml:"time_scale"`
	// Alerts are the multiwindow, multi-burn-rate alert rules. Empty means
	// DefaultAlerts (the workbook's table).
	Alerts []AlertConfig `toml:"alerts"`
}

// AlertConfig is one multiwindow burn-rate alert rule: it fires when the
// error ratio over the long window and the error ratio over the short
// window both exceed BurnRate x (1 - objective), and resolves when either
// falls back to or under it (SRE workbook, "Alerting on SLOs", approach
// 6).
type AlertConfig struct {
	// Name identifies the rule within its SLO. Required.
	Name string `toml:"name"`
	// Severity is page or ticket. Empty means page.
	Severity Severity `toml:"severity"`
	// BurnRate is the burn rate the rule alerts on, > 0 (14.4, 6, 1).
	BurnRate float64 `toml:"burn_rate"`
	// Long is the long window in production time (1h), scaled by the
	// SLO's TimeScale and rounded to whole intervals (at least one).
	// Required.
	Long time.Duration `toml:"long"`
	// Short is the short window in production time, scaled likewise.
	// Zero means Long / 12 (the workbook's ratio).
	Short time.Duration `toml:"short"`
	// Grace is how long after a fault ends a firing still counts as
	// caused by it (not a false positive), in scenario time (not scaled).
	// Zero means the rule's effective long window.
	Grace time.Duration `toml:"grace"`
}

// Severity is what an alert does: page a human now, or open a ticket.
type Severity string

// Severities.
const (
	Page   Severity = "page"
	Ticket Severity = "ticket"
)

// BudgetPeriod is the period of the workbook's alert table: its windows
// and burn rates assume a 30-day error budget.
const BudgetPeriod = 30 * 24 * time.Hour

// DefaultAlerts is the SRE workbook's recommended table (REFERENCES §13):
// page at 14.4x over 1h and 5m (2% of a 30-day budget), page at 6x over
// 6h and 30m (5%), ticket at 1x over 3 days and 6h (10%).
func DefaultAlerts() []AlertConfig {
	return []AlertConfig{
		{Name: "page-1h", Severity: Page, BurnRate: 14.4, Long: time.Hour, Short: 5 * time.Minute},
		{Name: "page-6h", Severity: Page, BurnRate: 6, Long: 6 * time.Hour, Short: 30 * time.Minute},
		{Name: "ticket-3d", Severity: Ticket, BurnRate: 1, Long: 72 * time.Hour, Short: 6 * time.Hour},
	}
}

// Limits on SLOs, so that a scenario's SLOs cost little.
const (
	maxSLOs         = 100
	maxAlertsPerSLO = 20
)

// applySLODefaults fills the SLOs' defaults (called by ApplyDefaults). The
// SLO list is copied first, so that a Config sharing it is not changed.
func (c *Config) applySLODefaults() {
	if len(c.SLOs) == 0 {
		return
	}
	c.SLOs = append([]SLOConfig(nil), c.SLOs...)
	for i := range c.SLOs {
		s := &c.SLOs[i]
		if s.Window == 0 {
			s.Window = c.Duration
		}
		if s.TimeScale == 0 && s.Window > 0 {
			s.TimeScale = float64(s.Window) / float64(BudgetPeriod)
		}
		if len(s.Alerts) == 0 {
			s.Alerts = DefaultAlerts()
		} else {
			s.Alerts = append([]AlertConfig(nil), s.Alerts...)
		}
		for j := range s.Alerts {
			a := &s.Alerts[j]
			if a.Severity == "" {
				a.Severity = Page
			}
			if a.Short == 0 {
				a.Short = a.Long / 12
			}
		}
	}
}

// slos validates the SLOs (called by Validate).
func (v *validator) slos(c *Config) {
	if len(c.SLOs) > maxSLOs {
		v.add("slos", "has %d SLOs; at most %d", len(c.SLOs), maxSLOs)
		return
	}
	names := map[string]bool{}
	clients := map[string]bool{}
	for _, cl := range c.Clients {
		clients[cl.Name] = true
	}
	for i := range c.SLOs {
		s := &c.SLOs[i]
		p := entry("slos", i, s.Name)
		switch {
		case !validName(s.Name):
			v.add(p+".name", "must be a non-empty name of letters, digits, '_' or '-', got %q", s.Name)
		case names[s.Name]:
			v.add(p+".name", "%q is already the name of an SLO; names must be unique", s.Name)
		}
		names[s.Name] = true
		if from, to, ok := strings.Cut(s.Client, "->"); ok {
			if !edgeExists(c, from, to) {
				v.add(p+".client", "%q is not an edge: no service or cache %q calls %q", s.Client, from, to)
			}
		} else if !clients[s.Client] {
			var have []string
			for _, cl := range c.Clients {
				have = append(have, cl.Name)
			}
			v.add(p+".client", "%q is not a client or a \"from->to\" call edge (clients: %s)", s.Client, strings.Join(have, ", "))
		}
		if !(s.Objective > 0 && s.Objective < 1) {
			v.add(p+".objective", "must be in (0, 1), e.g. 0.999, got %v", s.Objective)
		}
		v.nonNegDur(p+".latency", s.Latency)
		v.positiveDur(p+".window", s.Window)
		if !(s.TimeScale > 0) || math.IsInf(s.TimeScale, 0) {
			v.add(p+".time_scale", "must be a finite number > 0, got %v", s.TimeScale)
		}
		if len(s.Alerts) > maxAlertsPerSLO {
			v.add(p+".alerts", "has %d rules; at most %d", len(s.Alerts), maxAlertsPerSLO)
			continue
		}
		rules := map[string]bool{}
		for j := range s.Alerts {
			a := &s.Alerts[j]
			ap := fmt.Sprintf("%s.alerts[%d]", p, j)
			if validName(a.Name) {
				ap = fmt.Sprintf("%s.alerts[%s]", p, a.Name)
			}
			switch {
			case !validName(a.Name):
				v.add(ap+".name", "must be a non-empty name of letters, digits, '_' or '-', got %q", a.Name)
			case rules[a.Name]:
				v.add(ap+".name", "%q is already the name of a rule of this SLO", a.Name)
			}
			rules[a.Name] = true
			if a.Severity != Page && a.Severity != Ticket {
				v.add(ap+".severity", "must be one of page, ticket, got %q", a.Severity)
			}
			if !(a.BurnRate > 0) || math.IsInf(a.BurnRate, 0) {
				v.add(ap+".burn_rate", "must be a finite number > 0 (14.4, 6, 1 in the workbook's table), got %v", a.BurnRate)
			}
			v.positiveDur(ap+".long", a.Long)
			v.positiveDur(ap+".short", a.Short)
			if a.Short > a.Long {
				v.add(ap+".short", "must not be longer than long (%v), got %v", a.Long, a.Short)
			}
			v.nonNegDur(ap+".grace", a.Grace)
		}
	}
}
