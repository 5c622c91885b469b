package plots

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// HumanNumber formats v for a tick or a label with at most three
// significant digits and an SI suffix: 0, 0.25, 12, 1.5k, 20k, 1.2M.
func HumanNumber(v float64) string { return humanNumber(v, 3) }

func humanNumber(v float64, sig int) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case v == 0:
		return "0"
	}
	a := math.Abs(v)
	suffix := ""
	switch {
	case a >= 999.5e9:
		v, suffix = v/1e12, "T"
	case a >= 999.5e6:
		v, suffix = v/1e9, "G"
	case a >= 999.5e3:
		v, suffix = v/1e6, "M"
	case a >= 999.5:
		v, suffix = v/1e3, "k"
	}
	return trimFloat(v, sig) + suffix
}

// trimFloat formats v with sig significant digits (at least the integer
// part), without trailing zeros.
func trimFloat(v float64, sig int) string {
	a := math.Abs(v)
	digits := 0 // decimals to keep
	if a > 0 {
		digits = sig - 1 - int(math.Floor(math.Log10(a)))
	}
	digits = max(0, min(digits, 9))
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// HumanSeconds formats a duration given in seconds the way people write
// them: 0, 250µs, 12.5ms, 1.5s, 45s, 1m30s, 2h.
func HumanSeconds(s float64) string { return humanSeconds(s, 3) }

func humanSeconds(s float64, sig int) string {
	if math.IsNaN(s) || math.IsInf(s, 0) || s == 0 {
		return humanNumber(s, sig)
	}
	neg := ""
	if s < 0 {
		neg, s = "-", -s
	}
	switch {
	case s < 999.5e-9:
		return neg + trimFloat(s*1e9, sig) + "ns"
	case s < 999.5e-6:
		return neg + trimFloat(s*1e6, sig) + "µs"
	case s < 999.5e-3:
		return neg + trimFloat(s*1e3, sig) + "ms"
	case s < 59.95:
		return neg + trimFloat(s, sig) + "s"
	}
	// Minutes and hours: whole units plus the remainder, as time.Duration
	// prints them but without zero parts ("1m30s", "2m", "1h5m").
	r := math.Round(s)
	h := math.Floor(r / 3600)
	m := math.Floor((r - h*3600) / 60)
	sec := r - h*3600 - m*60
	var b strings.Builder
	b.WriteString(neg)
	if h > 0 {
		b.WriteString(strconv.FormatFloat(h, 'f', 0, 64) + "h")
	}
	if m > 0 {
		b.WriteString(strconv.FormatFloat(m, 'f', 0, 64) + "m")
	}
	if sec > 0 && h == 0 {
		b.WriteString(strconv.FormatFloat(sec, 'f', 0, 64) + "s")
	}
	return b.String()
}

// labelTicks is a Ticker with ticks at round values (1, 2, 2.5 or 5
// times a power of ten; round minutes and hours for Seconds past a
// minute), about n of them labelled, with a minor tick between labels.
// Labels come from format; values that format alike get more digits.
type labelTicks struct {
	format  func(v float64, sig int) string
	n       int  // labelled ticks wanted at most; 0 means 5
	fit     int  // labelled ticks the axis has room for; 0 means no limit (set by Figure.Draw)
	seconds bool // step in round durations past a minute
	hide    bool // keep the ticks, drop the labels (a panel sharing its neighbour's axis)
}

func (t labelTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return []plot.Tick{{Value: lo, Label: t.format(lo, 3)}}
	}
	n := t.n
	if n <= 0 {
		n = 5
	}
	if t.fit > 0 {
		n = min(n, t.fit)
	}
	step := niceStep((hi-lo)/float64(n), t.seconds)
	var ticks []plot.Tick
	first := math.Ceil(lo/step-1e-9) * step
	for i := 0; ; i++ {
		v := roundTo(first+float64(i)*step, step)
		if v > hi+step*1e-9 {
			break
		}
		if v == 0 {
			v = 0 // no "-0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: "x"})
		if m := roundTo(v+step/2, step/2); m < hi {
			ticks = append(ticks, plot.Tick{Value: m})
		}
	}
	if m := first - step/2; m > lo {
		ticks = append([]plot.Tick{{Value: roundTo(m, step/2)}}, ticks...)
	}
	if t.hide {
		for i := range ticks {
			ticks[i].Label = ""
		}
		return ticks
	}
	for sig := 3; sig <= 6; sig++ {
		seen := map[string]bool{}
		dup := false
		for i := range ticks {
			if ticks[i].Label == "" {
				continue
			}
			ticks[i].Label = t.format(ticks[i].Value, sig)
			if seen[ticks[i].Label] {
				dup = true
			}
			seen[ticks[i].Label] = true
		}
		if !dup {
			break
		}
	}
	return ticks
}

// niceStep returns the round step nearest to raw (by ratio): 1, 2, 2.5 or
// 5 times a power of ten, or with seconds past a minute one of timeSteps.
func niceStep(raw float64, seconds bool) float64 {
	var cands []float64
	if seconds && raw > 30 {
		cands = timeSteps
	} else {
		p := math.Pow(10, math.Floor(math.Log10(raw)))
		cands = []float64{p, 2 * p, 2.5 * p, 5 * p, 10 * p}
	}
	best := cands[0]
	for _, c := range cands {
		if math.Abs(math.Log(c/raw)) < math.Abs(math.Log(best/raw)) {
			best = c
		}
	}
	return best
}

// numberTicks labels plain numbers (1.5k, 20k).
var numberTicks = labelTicks{format: humanNumber}

// timeSteps are the tick spacings of a time axis (seconds): round numbers
// of seconds, minutes and hours.
var timeSteps = []float64{
	0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
	1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
	3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400,
}

// timeTicks is a Ticker for an axis of seconds since the start of a run:
// ticks at round times labelled 0, 30s, 1m, 1m30s, ... and a minor tick
// halfway between.
type timeTicks struct {
	// hideLabels keeps the marks but drops the labels (upper panels of a
	// stack that share the bottom panel's time axis).
	hideLabels bool
	// fit is how many labelled ticks the axis has room for; 0 means 8
	// (set by Figure.Draw for narrow panels).
	fit int
}

func (t timeTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	if !(span > 0) {
		return []plot.Tick{{Value: lo, Label: t.label(lo)}}
	}
	most := 8
	if t.fit > 0 {
		most = min(most, t.fit)
	}
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		if span/s <= float64(most) {
			step = s
			break
		}
	}
	var ticks []plot.Tick
	first := math.Ceil(lo/step) * step
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if v > hi+step*1e-9 {
			break
		}
		v = roundTo(v, step)
		ticks = append(ticks, plot.Tick{Value: v, Label: t.label(v)})
		if m := v + step/2; m < hi {
			ticks = append(ticks, plot.Tick{Value: roundTo(m, step/2)})
		}
	}
	if m := first - step/2; m > lo {
		ticks = append([]plot.Tick{{Value: m}}, ticks...)
	}
	return ticks
}

func (t timeTicks) label(v float64) string {
	if t.hideLabels {
		return "" // drawn as a minor tick: no label, no room taken
	}
	return HumanSeconds(v)
}

// roundTo removes the float noise of v = first + i*step.
func roundTo(v, step float64) float64 {
	q := math.Pow(10, math.Floor(math.Log10(step))-3)
	return math.Round(v/q) * q
}

// logTicks is a Ticker for a log axis: labelled decades (and 2 and 5 when
// the axis spans at most one decade), minor ticks in between.
type logTicks struct {
	format func(v float64, sig int) string
	// labelEnds also labels ticks at the ends of the axis (which
	// niceLogRange puts at 1, 2 or 5 times a power of ten).
	labelEnds bool
	// denseDecades is the most decades an axis may span and still get
	// labels at 2 and 5 times each power of ten; 0 means 1.
	denseDecades int
	// hide keeps the ticks and drops the labels.
	hide bool
	// atMost labels the tick at the axis' low end "≤ 10": it stands for
	// everything at or under it (a load panel draws 0 there).
	atMost bool
	// fit is how many labelled decades the axis has room for (set by
	// Figure.Draw); with more, every second (third...) decade is
	// labelled, the lowest always, and the ticks between decades go.
	// 0 means no limit.
	fit int
}

func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	d0 := math.Floor(math.Log10(lo) + 1e-9)
	d1 := math.Ceil(math.Log10(hi) - 1e-9)
	dense := d1-d0 <= float64(max(t.denseDecades, 1))
	every := 1
	if n := int(math.Floor(math.Log10(hi)+1e-9)-math.Ceil(math.Log10(lo)-1e-9)) + 1; t.fit > 0 && n > t.fit {
		every = (n + t.fit - 1) / t.fit
		dense = false
	}
	var ticks []plot.Tick
	for d := d0; d <= d1; d++ {
		dec := math.Pow(10, d)
		for m := 1; m <= 9; m++ {
			v := dec * float64(m)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) || (m > 1 && every > 1) {
				continue // (a short axis: no minor ticks to smear into a bar)
			}
			label := ""
			end := t.labelEnds && (math.Abs(v/lo-1) < 1e-9 || math.Abs(v/hi-1) < 1e-9)
			if !t.hide && ((m == 1 && int(d-d0)%every == 0) || (dense && (m == 2 || m == 5)) || end) {
				label = t.format(v, 3)
				if t.atMost && math.Abs(v/lo-1) < 1e-9 {
					label = "≤" + label
				}
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: label})
		}
	}
	return ticks
}

// niceLogRange widens a log axis to 1, 2 or 5 times a power of ten at
// both ends: room around the data without a nearly empty decade.
func niceLogRange(a *plot.Axis) {
	if !(a.Min > 0) || !(a.Max >= a.Min) || math.IsInf(a.Max, 0) {
		a.Min, a.Max = 0.001, 1
		return
	}
	down := func(v float64) float64 {
		p := math.Pow(10, math.Floor(math.Log10(v)+1e-9))
		for _, m := range []float64{5, 2, 1} {
			if m*p <= v*(1+1e-9) {
				return m * p
			}
		}
		return p
	}
	up := func(v float64) float64 {
		p := math.Pow(10, math.Floor(math.Log10(v)-1e-9))
		for _, m := range []float64{1, 2, 5, 10} {
			if m*p >= v*(1-1e-9) {
				return m * p
			}
		}
		return 10 * p
	}
	a.Min, a.Max = down(a.Min), up(a.Max)
	if a.Max <= a.Min {
		a.Max = up(a.Min * 1.01)
	}
}

// unhidden returns m with its labels shown: the grid draws its lines at
// the labelled ticks of an axis even where the labels are hidden.
func unhidden(m plot.Ticker) plot.Ticker {
	switch t := m.(type) {
	case labelTicks:
		t.hide = false
		return t
	case logTicks:
		t.hide = false
		return t
	case timeTicks:
		t.hideLabels = false
		return t
	}
	return m
}
