package results

import (
	"math"
	"strconv"
	"strings"
)

// Headline is a metric that comparisons report (a variant against the
// base, a result against its baseline): its dotted path in a summary,
// its column label, which way is better, and how to print it.
type Headline struct {
	// Metric is the dotted path in a summary ("latency_s.p99").
	Metric string
	// Label is the column label ("p99").
	Label string
	// HigherIsBetter says which way a change is an improvement: goodput
	// up is, latency up is not.
	HigherIsBetter bool
	// Seconds says the value is a time in seconds, printed with a unit.
	Seconds bool
	// Decimals is the number of decimals to print a value other than
	// seconds with; 0 means up to 4 significant digits.
	Decimals int
}

// Headlines are the metrics whose values a batch keeps per replication
// (a variant's "per_replication" in summary.json) and compares paired:
// the table's numeric columns, and whether and how fast a run recovered.
var Headlines = []Headline{
	{Metric: "amplification", Label: "ampl", Decimals: 2},
	{Metric: "goodput", Label: "goodput/s", HigherIsBetter: true, Decimals: 1},
	{Metric: "latency_s.p50", Label: "p50", Seconds: true},
	{Metric: "latency_s.p99", Label: "p99", Seconds: true},
	{Metric: "recovered", Label: "recovered", HigherIsBetter: true, Decimals: 2},
	{Metric: "recovery_s", Label: "recovery", Seconds: true},
}

// Format prints a value of the metric: seconds with a unit suited to
// the magnitude ("18.5ms"), other numbers with its decimals or up to 4
// significant digits; "-" for NaN.
func (h Headline) Format(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	if h.Seconds {
		return FormatSeconds(x)
	}
	if h.Decimals > 0 {
		return strconv.FormatFloat(x, 'f', h.Decimals, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// FormatSigned is Format with a sign: "+3.2ms", "-0.25", "0.0".
func (h Headline) FormatSigned(x float64) string {
	s := h.Format(x)
	if x > 0 && strings.ContainsAny(s, "123456789") {
		return "+" + s
	}
	return s
}

// FormatSeconds formats seconds with a unit suited to the magnitude:
// "0s", "850µs", "3.49ms", "18.5ms", "2.50s", "240s".
func FormatSeconds(s float64) string {
	a := math.Abs(s)
	switch {
	case a == 0:
		return "0s"
	case a < 1e-3:
		return strconv.FormatFloat(s*1e6, 'f', 0, 64) + "µs"
	case a < 10e-3:
		return strconv.FormatFloat(s*1e3, 'f', 2, 64) + "ms"
	case a < 1:
		return strconv.FormatFloat(s*1e3, 'f', 1, 64) + "ms"
	case a < 100:
		return strconv.FormatFloat(s, 'f', 2, 64) + "s"
	}
	return strconv.FormatFloat(s, 'f', 0, 64) + "s"
}
