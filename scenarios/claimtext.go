package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// How a claim's want and got are spelled in check's output, the table's
// claims line and report.md.

func showValue(r *Row, metric string) string {
	v, _ := r.Value(metric)
	return show(v)
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case float64:
		return fmtNum(x)
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}

// want describes what a claim asks for.
func want(ex metaExpect) string {
	var s string
	switch w := ex.Equals.(type) {
	case nil:
		switch {
		case ex.Min != nil && ex.Max != nil:
			s = fmt.Sprintf("in [%s, %s]", fmtNum(*ex.Min), fmtNum(*ex.Max))
		case ex.Min != nil:
			s = ">= " + fmtNum(*ex.Min)
		case ex.Max != nil:
			s = "<= " + fmtNum(*ex.Max)
		}
	case string:
		s = "= " + strconv.Quote(w)
	case bool:
		s = "= " + strconv.FormatBool(w)
	default:
		f, _ := format.Number(w)
		s = "= " + fmtNum(f)
		if ex.Tolerance > 0 {
			s += " ±" + fmtNum(ex.Tolerance)
		}
	}
	if ex.RelativeTo != "" {
		s = "ratio to " + ex.RelativeTo + " " + s
	}
	return s
}

// nullWhy says why a metric of the summary can be null, for a claim on it
// that therefore fails: a latency or a time in a service with nothing to
// measure is null, never 0, so that "p99 < 100 ms" does not hold for a
// system that served nothing. It is "" for other metrics.
func nullWhy(metric string) string {
	switch {
	case strings.HasPrefix(metric, "latency_s.") || strings.Contains(metric, ".latency_s."):
		return " (no call succeeded, so there is no latency to judge)"
	case metric == "amplification" || strings.HasSuffix(metric, ".amplification"):
		return " (no call was made, so there is nothing amplified to judge)"
	case strings.HasSuffix(metric, ".hit_ratio"):
		return " (nothing was looked up, so there is no hit ratio to judge)"
	case strings.HasSuffix(metric, ".wait_s.mean"):
		return " (no request started service there, so there is no wait to judge)"
	case strings.HasSuffix(metric, ".sojourn_s.mean"):
		return " (no request was served there, so there is no time in service to judge)"
	}
	return ""
}
