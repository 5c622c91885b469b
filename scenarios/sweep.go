package scenarios

import (
	"math"
	"strconv"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// Limits on the size of a batch, so that a typo cannot ask for a billion
// runs.
const (
	maxSteps        = 10_000
	maxPoints       = 100_000
	maxReplications = 100_000
	maxRuns         = 10_000_000
	maxVariants     = 256
)

// axisValues returns the values an axis takes: its Values, or Steps values
// from From to To. Errors are reported through d at the axis' keys.
func axisValues(base *Scenario, a *Axis, d *format.Decoder, p format.Path) ([]any, bool) {
	hasRange := a.From != nil || a.To != nil || a.Steps != 0
	switch {
	case a.Path == "":
		d.Fail(p.Field("path"), nil, "is required: the key to sweep, as in a variant's set (e.g. \"clients.users.rate\")")
		return nil, false
	case len(a.Values) > 0 && hasRange:
		d.Fail(p.Field("values"), nil, "give either values or from/to/steps, not both")
		return nil, false
	case len(a.Values) > 0:
		if len(a.Values) > maxPoints {
			d.Fail(p.Field("values"), nil, "has %d values; at most %d", len(a.Values), maxPoints)
			return nil, false
		}
		return a.Values, true
	case !hasRange:
		d.Fail(p, nil, "needs values = [...] or a range from, to, steps")
		return nil, false
	}
	ok := true
	if a.From == nil {
		d.Fail(p.Field("from"), nil, "is required with to and steps (the first value of the range)")
		ok = false
	}
	if a.To == nil {
		d.Fail(p.Field("to"), nil, "is required with from and steps (the last value of the range)")
		ok = false
	}
	if a.Steps < 2 || a.Steps > maxSteps {
		d.Fail(p.Field("steps"), nil, "must be in [2, %d] (the number of values, ends included), got %d", maxSteps, a.Steps)
		ok = false
	}
	logScale := false
	switch a.Scale {
	case "linear":
	case "log":
		logScale = true
	default:
		d.Fail(p.Field("scale"), nil, "must be linear or log, got %q", a.Scale)
		ok = false
	}
	if !ok {
		return nil, false
	}
	kind, err := format.KindAt(base, a.Path)
	if err != nil {
		d.Fail(p.Field("path"), err, "%v", err)
		return nil, false
	}
	num := func(k string, raw any) (float64, bool) {
		if kind == format.KindDuration {
			dur, ok := format.Duration(raw)
			if !ok {
				d.Fail(p.Field(k), nil, "must be a duration string such as \"10s\" (the swept key is a duration), got %s", format.Describe(raw))
				return 0, false
			}
			return float64(dur), true
		}
		if x, ok := format.Number(raw); ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
			return x, true
		}
		d.Fail(p.Field(k), nil, "must be a finite number, got %s", format.Describe(raw))
		return 0, false
	}
	if kind == format.KindOther {
		d.Fail(p.Field("path"), nil, "a range needs a numeric or duration key, and %s is not one; list values = [...] instead", a.Path)
		return nil, false
	}
	from, ok1 := num("from", a.From)
	to, ok2 := num("to", a.To)
	if !ok1 || !ok2 {
		return nil, false
	}
	if logScale && (from <= 0 || to <= 0) {
		d.Fail(p.Field("from"), nil, "a log scale needs from and to > 0, got %v and %v", a.From, a.To)
		return nil, false
	}
	out := make([]any, a.Steps)
	for i := range a.Steps {
		f := float64(i) / float64(a.Steps-1)
		var x float64
		switch {
		case i == a.Steps-1:
			x = to
		case logScale:
			x = from * math.Pow(to/from, f)
		default:
			x = from + (to-from)*f
		}
		x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
		out[i] = kind.Raw(x)
		if kind == format.KindInt && i > 0 && out[i] == out[i-1] {
			d.Fail(p.Field("steps"), nil, "%d steps from %v to %v repeat the integer %d; use fewer steps or list values", a.Steps, a.From, a.To, out[i])
			return nil, false
		}
	}
	return out, true
}
