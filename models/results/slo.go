package results

// SLOSummary is one SLO over the run. Counts are calls completed on the
// SLO's client or edge; budgets are fractions of the compliance window's
// error budget.
type SLOSummary struct {
	// Client is the client or "from->to" edge covered.
	Client string `json:"client"`
	// Objective is the target fraction of good calls; LatencyS the
	// latency bound of a good call (s; 0 for none).
	Objective float64 `json:"objective"`
	LatencyS  float64 `json:"latency_s"`
	// WindowS is the compliance window (s), in whole intervals;
	// TimeScale the factor applied to the alert windows.
	WindowS   float64 `json:"window_s"`
	TimeScale float64 `json:"time_scale"`
	// Total, Good and Bad count completed calls.
	Total Count `json:"total"`
	Good  Count `json:"good"`
	Bad   Count `json:"bad"`
	// SLI is Good/Total over the run; null without calls.
	SLI *float64 `json:"sli"`
	// Met reports whether the SLI is at least the objective (true
	// without calls).
	Met bool `json:"met"`
	// BurnRate is the run's error ratio over the error budget (1 -
	// objective); MaxBurnRate the highest of any interval.
	BurnRate    float64 `json:"burn_rate"`
	MaxBurnRate float64 `json:"max_burn_rate"`
	// BudgetSpent is the fraction of one compliance window's error budget
	// the run's bad calls used: BurnRate x run / window (the window's
	// traffic taken at the run's rate). Above 1, the budget is overspent.
	BudgetSpent float64 `json:"budget_spent"`
	// BudgetRemaining is the budget left at the end of the run (1 -
	// burn x span / window over the compliance window so far);
	// BudgetRemainingMin the lowest it was at any interval end.
	BudgetRemaining    float64 `json:"budget_remaining"`
	BudgetRemainingMin float64 `json:"budget_remaining_min"`
	// FirstAlert names the rule that fired first (ties: the first in the
	// SLO's rule order), empty if none fired; FirstAlertS is when (s).
	FirstAlert  string   `json:"first_alert"`
	FirstAlertS *float64 `json:"first_alert_s"`
}

// Severity is an alert rule's severity: who it calls (the SRE workbook's
// page and ticket).
type Severity string

// Severities.
const (
	Page   Severity = "page"
	Ticket Severity = "ticket"
)

// AlertSummary is one alert rule over the run.
type AlertSummary struct {
	// Severity is page or ticket; BurnRate the rule's threshold.
	Severity Severity `json:"severity"`
	BurnRate float64  `json:"burn_rate"`
	// LongS and ShortS are the effective windows (s): the rule's windows
	// x the time scale, rounded to whole intervals (at least one).
	LongS  float64 `json:"long_s"`
	ShortS float64 `json:"short_s"`
	// GraceS is how long after a fault a firing still counts as caused
	// by it (s).
	GraceS float64 `json:"grace_s"`
	// Fired counts the times the rule started firing; FalsePositives
	// those that started with no fault active or within the grace after
	// one.
	Fired          Count `json:"fired"`
	FalsePositives Count `json:"false_positives"`
	// FiringS is the total time spent firing (s), up to the end of the
	// run.
	FiringS float64 `json:"firing_s"`
	// FirstFireS is when the rule first fired (s); null if never.
	FirstFireS *float64 `json:"first_fire_s"`
	// DetectS is the time from the start of the first fault to the first
	// firing that started within that fault or its grace (s); null
	// without faults or if that fault was not detected.
	DetectS *float64 `json:"detect_s"`
	// Detected and Missed count the faults with and without such a
	// firing.
	Detected Count `json:"detected"`
	Missed   Count `json:"missed"`
	// Faults gives the detection of each fault, in start order.
	Faults []FaultDetection `json:"faults"`
	// Fires lists the firings (the first 100).
	Fires []AlertFire `json:"fires"`
}

// FaultDetection is how an alert rule did on one fault.
type FaultDetection struct {
	// Kind (its name: "outage", ...), Target and StartS identify the
	// fault.
	Kind   string  `json:"kind"`
	Target string  `json:"target"`
	StartS float64 `json:"start_s"`
	// DetectS is the time from the fault's start to the first firing that
	// started within [start, end + grace] (s); null if none did.
	DetectS *float64 `json:"detect_s"`
	// BudgetSpent is the error budget spent from the interval the fault
	// started in to the firing (fraction of the window's budget); null
	// if not detected.
	BudgetSpent *float64 `json:"budget_spent"`
}

// AlertFire is one firing of an alert rule.
type AlertFire struct {
	// StartS is when it fired (s); EndS when it resolved, null if it was
	// still firing when the run ended.
	StartS float64  `json:"start_s"`
	EndS   *float64 `json:"end_s"`
	// FalsePositive is true when no fault was active, or had ended within
	// the grace, when it fired.
	FalsePositive bool `json:"false_positive"`
}

// SLOSeries is one SLO's per-interval series.
type SLOSeries struct {
	Name string `json:"name"`
	// Good and Total are calls completed in the interval (counts, not
	// rates: exact).
	Good  Values `json:"good"`
	Total Values `json:"total"`
	// SLI is Good/Total and BurnRate (1-SLI)/(1-objective) in the
	// interval; NaN without calls.
	SLI      Values `json:"sli"`
	BurnRate Values `json:"burn_rate"`
	// BudgetRemaining is the error budget left at the interval's end.
	BudgetRemaining Values `json:"budget_remaining"`
	// Alerts is 1 for each interval at whose end the rule was firing, by
	// rule name.
	Alerts map[string]Values `json:"alerts"`
}

func cloneSLOSeries(in []SLOSeries) []SLOSeries {
	if in == nil {
		return nil
	}
	out := make([]SLOSeries, len(in))
	for i, s := range in {
		s.Good, s.Total, s.SLI = cloneValues(s.Good), cloneValues(s.Total), cloneValues(s.SLI)
		s.BurnRate, s.BudgetRemaining = cloneValues(s.BurnRate), cloneValues(s.BudgetRemaining)
		al := map[string]Values{}
		for k, v := range s.Alerts {
			al[k] = cloneValues(v)
		}
		s.Alerts = al
		out[i] = s
	}
	return out
}

// sloMetrics adds the SLOs' and alert rules' numbers to a flattened
// summary (Summary.Metrics), SLOs and rules by name; null values are left
// out.
func sloMetrics(add func(string, float64), s *Summary) {
	for _, name := range sortedKeys(s.SLOs) {
		x := s.SLOs[name]
		p := "slos." + name + "."
		add(p+"objective", x.Objective)
		add(p+"total", float64(x.Total))
		add(p+"good", float64(x.Good))
		add(p+"bad", float64(x.Bad))
		if x.SLI != nil {
			add(p+"sli", *x.SLI)
		}
		add(p+"met", b2f(x.Met))
		add(p+"burn_rate", x.BurnRate)
		add(p+"max_burn_rate", x.MaxBurnRate)
		add(p+"budget_spent", x.BudgetSpent)
		add(p+"budget_remaining", x.BudgetRemaining)
		add(p+"budget_remaining_min", x.BudgetRemainingMin)
		if x.FirstAlertS != nil {
			add(p+"first_alert_s", *x.FirstAlertS)
		}
		rules := s.Alerts[name]
		for _, r := range sortedKeys(rules) {
			a := rules[r]
			p := "alerts." + name + "." + r + "."
			add(p+"fired", float64(a.Fired))
			add(p+"false_positives", float64(a.FalsePositives))
			add(p+"firing_s", a.FiringS)
			if a.FirstFireS != nil {
				add(p+"first_fire_s", *a.FirstFireS)
			}
			if a.DetectS != nil {
				add(p+"detect_s", *a.DetectS)
			}
			add(p+"detected", float64(a.Detected))
			add(p+"missed", float64(a.Missed))
		}
	}
}
