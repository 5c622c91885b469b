package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// minChartH is the fewest lines a chart needs: a title, three graph rows,
// the time axis and its labels.
const minChartH = 6

// view renders the Run view at w x h. It reads only the model (the
// snapshots taken in Update), never the engine.
func (r *runState) view(w, h int) string {
	if w < 30 || h < 6 {
		// Wrapped, so that the message itself is not cut at 20x10.
		msg := fmt.Sprintf("stampede: %dx%d is too small; make the terminal at least 30x6 (80x24 to see the charts)", w, h)
		return fitBlock(strings.Join(wrap(msg, w), "\n"), w, h)
	}
	n := r.closed()
	last := n - 1
	if r.cursor >= 0 {
		last = min(r.cursor, n-1)
	}
	header := r.header(w, last)
	timeline := r.timeline(w, last)
	status := r.statusLines(w, last)
	inject := r.injectLine(w)
	knobs := r.knobLine(w)
	footer := r.footer(w)

	// Lines by priority when the terminal is short: the header, the
	// status lines and the footer first, then charts, then the rest.
	fixed := 1 + len(status) + 1
	opt := [][]string{{inject}, {timeline}, {knobs}}
	avail := h - fixed
	keep := make([]bool, len(opt))
	for i := range opt {
		if avail-1 >= minChartH || (h < 14 && avail-1 >= 0) {
			keep[i] = true
			avail--
		}
	}
	charts := ""
	if !r.compact {
		charts = r.charts(w, avail, last)
	}

	var out []string
	out = append(out, header)
	if keep[1] {
		out = append(out, timeline)
	}
	if charts != "" {
		out = append(out, strings.Split(charts, "\n")...)
	}
	out = append(out, status...)
	if keep[0] {
		out = append(out, inject)
	}
	if keep[2] {
		out = append(out, knobs)
	}
	// blank lines so that the footer sits on the last line
	for len(out) < h-1 {
		out = append(out, "")
	}
	out = append(out, footer)
	return fitBlock(strings.Join(out, "\n"), w, h)
}

// shownTime is the virtual time the view shows: the end of the scrubbed
// interval, or the lockstep clock.
func (r *runState) shownTime(last int) time.Duration {
	if r.cursor >= 0 && last >= 0 {
		iv := r.sess.Sessions()[0].Config().Interval
		return min(time.Duration(last+1)*iv, time.Duration(r.sess.End()))
	}
	return time.Duration(r.sess.Now())
}

func (r *runState) header(w, last int) string {
	s := r.sess
	left := titleStyle.Render("stampede") + " · " + bold.Render(r.title())
	var state string
	switch {
	case r.cursor >= 0:
		state = cursorLine.Render("◀ time travel")
	case s.Done():
		state = okStyle.Render("■ done")
	case r.paused:
		state = "❚❚ paused"
	default:
		state = okStyle.Render("▶ " + r.speedLabel())
	}
	if on, p := s.Rerunning(); on {
		state += " " + cursorLine.Render(fmt.Sprintf("re-running %d%%", int(p*100)))
	}
	clock := format.Clock(r.shownTime(last)) + dim.Render(" / "+format.Clock(time.Duration(s.End())))
	right := state + "  " + clock
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return truncate(right+"  "+left, w)
	}
	return left + strings.Repeat(" ", gap) + right
}

// timelineItem is a fault or knob change on the timeline.
type timelineItem struct {
	at, end time.Duration
	text    string
}

// timeline lists the faults and knob changes up to the shown time, the
// latest last (cut from the left to fit), and the next fault to come.
func (r *runState) timeline(w, last int) string {
	t := r.shownTime(last)
	var items []timelineItem
	for _, f := range r.sess.Sessions()[0].Config().Faults {
		end := f.At
		if !f.Kind.Instantaneous() {
			end += f.For
		}
		items = append(items, timelineItem{f.At, end, session.DescribeFault(f)})
	}
	for _, iv := range r.sess.Interventions() {
		if iv.Kind != session.Inject {
			items = append(items, timelineItem{iv.At, iv.At, strings.TrimPrefix(iv.String(), format.Clock(iv.At)+" ")})
		}
	}
	slices.SortStableFunc(items, func(a, b timelineItem) int { return int(min(max(a.at-b.at, -1), 1)) })
	var past []string
	next := ""
	for _, it := range items {
		if it.at > t {
			if next == "" {
				next = dim.Render("next " + format.Clock(it.at) + " " + it.text)
			}
			continue
		}
		s := format.Clock(it.at) + " " + it.text
		if t < it.end {
			s = faultStyle.Render("▶ " + s)
		}
		past = append(past, s)
	}
	prefix := dim.Render("timeline ")
	if len(past) == 0 && next == "" {
		return prefix + dim.Render("no faults yet: press 1-4 to inject one")
	}
	tail := ""
	if next != "" {
		tail = " · " + next
	}
	for len(past) > 0 {
		s := prefix + strings.Join(past, " · ") + tail
		if lipgloss.Width(s) <= w || len(past) == 1 {
			return truncate(s, w)
		}
		past = past[1:]
		prefix = dim.Render("timeline … ")
	}
	return truncate(prefix+strings.TrimPrefix(tail, " · "), w)
}

// verdict describes variant i's recovery so far (live only).
func (r *runState) verdict(i int) string {
	if r.cursor >= 0 || i >= len(r.recov) {
		return ""
	}
	if err := r.snaps[i].Err; err != nil {
		return errStyle.Render("✗ stopped: " + err.Error())
	}
	rec := r.recov[i]
	done := r.snaps[i].Done
	if !anyFaultStarted(r.sess, i) {
		return ""
	}
	switch rec.Verdict {
	case results.Recovered:
		return okStyle.Render("✓ recovered after " + fmtSeconds(*rec.RecoveryS))
	case results.NotRecovered:
		if done {
			return errStyle.Render("✗ did not recover")
		}
		return errStyle.Render("✗ not recovered yet")
	case results.CollapsedBeforeFault:
		return errStyle.Render("✗ collapsed before the first fault")
	case results.NoBaseline:
		if faultActive(r.sess, i) {
			return faultStyle.Render("fault active") + dim.Render(" (no baseline before it)")
		}
		return dim.Render("no baseline before the first fault to judge recovery")
	case results.Undecided:
		if faultActive(r.sess, i) {
			return faultStyle.Render("fault active")
		}
		if done {
			return dim.Render("undecided: the run ended too soon after the fault")
		}
		return cursorLine.Render("recovering…")
	}
	return ""
}

// anyFaultStarted reports whether a fault has started in variant i of g.
func anyFaultStarted(g *session.Group, i int) bool {
	now := time.Duration(g.Now())
	for _, f := range g.Sessions()[i].Config().Faults {
		if f.At <= now {
			return true
		}
	}
	return false
}

// faultActive reports whether a fault is acting on variant i of g now.
func faultActive(g *session.Group, i int) bool {
	now := time.Duration(g.Now())
	for _, f := range g.Sessions()[i].Config().Faults {
		if f.At <= now && (now < f.End() || f.Kind.Instantaneous() && now == f.At) {
			return true
		}
	}
	return false
}

func at(v results.Values, i int) float64 {
	if i < 0 || i >= len(v) {
		return math.NaN()
	}
	return v[i]
}

// queueAt is the mean number waiting over every service in interval i.
func queueAt(s *results.Series, i int) float64 {
	q := 0.0
	for _, sv := range s.Services {
		if x := at(sv.QueueMean, i); !math.IsNaN(x) {
			q += x
		}
	}
	return q
}

// failedAt is failed calls per second, every reason together, in interval
// i (summed in reason order, so the float sum is deterministic); the
// fallback answers are no failures (fallbacksAt).
func failedAt(c *results.CallSeries, i int) float64 {
	keys := make([]string, 0, len(c.Failed))
	for k := range c.Failed {
		if !results.IsFallback(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	f := 0.0
	for _, k := range keys {
		if x := at(c.Failed[k], i); !math.IsNaN(x) {
			f += x
		}
	}
	return f
}

// fallbacksAt is the fallback answers given per second at every tier (the
// clients' and the edges': results.Series.Fallbacks) in interval i, and
// whether the run gave any so far.
func fallbacksAt(s *results.Series, i int) (float64, bool) {
	sum, any := 0.0, false
	add := func(c *results.CallSeries) {
		if v := c.Fallbacks(); v != nil {
			any = true
			if x := at(v, i); !math.IsNaN(x) {
				sum += x
			}
		}
	}
	add(&s.Total)
	for j := range s.Edges {
		add(&s.Edges[j])
	}
	return sum, any
}

func (r *runState) injectLine(w int) string {
	k := func(s string) string { return keyStyle.Render(s) }
	svc := r.service()
	mag := "x" + format.ShortNumber(magnitudes[r.mag])
	outage := ""
	if r.blackHole {
		outage = " (black hole)"
	}
	s := dim.Render("inject ") + k("1") + " spike " + mag + "  " + k("2") + " slowdown " + mag + "  " +
		k("3") + " pause  " + k("4") + " outage" + outage + dim.Render("  on ") + svc + dim.Render(" for ") + format.ShortDuration(durations[r.dur]) +
		dim.Render("   m/M d/D t b")
	return truncate(s, w)
}

// knobLine shows the knobs with their current values, and the chosen
// strategy of the strategy knob, on or off. When it does not fit, the
// keys that the help lists anyway go first, then the clients' names
// where they all have the same value, then the words "strategy" and
// "knobs".
func (r *runState) knobLine(w int) string {
	var rates, timeouts, retries [][2]string
	for _, c := range r.sess.Knobs() {
		if c.HasAttempts {
			retries = append(retries, [2]string{c.Name, itoa(int(max(c.Attempts, 1)))})
		}
		if c.Open {
			rates = append(rates, [2]string{c.Name, format.ShortNumber(c.Rate) + "/s"})
		}
		if c.Timeout > 0 {
			timeouts = append(timeouts, [2]string{c.Name, format.ShortDuration(c.Timeout)})
		}
	}
	k := func(s string) string { return keyStyle.Render(s) }
	sep := dim.Render(" · ")
	var s string
	for level := range 5 {
		vals := func(nv [][2]string) string {
			var out []string
			same := level >= 2
			for _, x := range nv {
				same = same && x[1] == nv[0][1]
				out = append(out, x[0]+" "+x[1])
			}
			if same && len(nv) > 0 {
				return nv[0][1]
			}
			return orNone(out)
		}
		s = ""
		if level < 4 {
			s = dim.Render("knobs ")
		}
		s += k("r/R") + " rate " + vals(rates) + sep + k("o/O") + " timeout " + vals(timeouts)
		if len(retries) > 0 {
			s += sep + k("a/A") + " attempts " + vals(retries)
		}
		if len(r.strats) > 0 {
			st := r.strats[r.strat]
			state := dim.Render("off")
			if r.sess.StrategyOn(st) {
				state = okStyle.Render("on")
			}
			s += sep + k("v/x")
			if level < 3 {
				s += " strategy"
			}
			s += " " + st.Name + " " + state
		}
		if level == 0 {
			s += sep + k("s") + " save" + sep + k("e") + " export" + sep + k("c") + " chart"
		}
		if lipgloss.Width(s) <= w {
			return s
		}
	}
	return truncate(s, w)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return dim.Render("—")
	}
	return strings.Join(s, ", ")
}

func (r *runState) footer(w int) string {
	right := dim.Render("  ? help · q quit")
	left := dim.Render("space pause · +/- speed · ←/→ time travel · esc gallery")
	if r.note != "" {
		if r.noteErr {
			left = errStyle.Render(r.note)
		} else {
			left = r.note
		}
	}
	left = truncate(left, max(w-lipgloss.Width(right), 1))
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 0 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

// charts lays out the four charts in avail lines: two columns when wide
// enough, as many rows as fit, the most important charts first.
func (r *runState) charts(w, avail, last int) string {
	cols := 1
	if w >= 70 {
		cols = 2
	}
	rows := min(avail/minChartH, 4/cols)
	if rows <= 0 {
		return ""
	}
	specs := r.chartSpecs(last)
	heights := make([]int, rows)
	for i := range heights {
		heights[i] = avail / rows
		if i < avail%rows {
			heights[i]++
		}
	}
	var out []string
	for row := range rows {
		ch := heights[row]
		if cols == 1 {
			out = append(out, padBlock(renderChart(specs[row], w, ch), w, ch))
			continue
		}
		w1 := (w - 2) / 2
		w2 := w - 2 - w1
		a := padBlock(renderChart(specs[2*row], w1, ch), w1, ch)
		b := padBlock(renderChart(specs[2*row+1], w2, ch), w2, ch)
		out = append(out, lipgloss.JoinHorizontal(lipgloss.Top, a, "  ", b))
	}
	return strings.Join(out, "\n")
}

// padBlock makes a block exactly w x h (padding with spaces).
func padBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	for len(lines) < h {
		lines = append(lines, "")
	}
	lines = lines[:h]
	for i, l := range lines {
		lines[i] = padRight(truncate(l, w), w)
	}
	return strings.Join(lines, "\n")
}

// chartSpecs builds the four charts from the snapshots, up to interval
// last: load (offered in grey, goodput per variant), p99 latency, in
// flight (or queue), failures.
func (r *runState) chartSpecs(last int) []chartSpec {
	cfg := r.sess.Sessions()[0].Config()
	xmax := cfg.Duration.Seconds()
	iv := cfg.Interval.Seconds()
	cursor := math.NaN()
	if r.cursor >= 0 && last >= 0 {
		cursor = float64(last)*iv + iv/2
	}
	var windows []results.FaultWindow
	tEnd := float64(last+1) * iv
	if len(r.snaps) > 0 {
		for _, f := range r.snaps[0].Faults {
			if f.StartS < tEnd {
				windows = append(windows, f)
			}
		}
	}
	mk := func(title string, yfmt func(float64) string) chartSpec {
		return chartSpec{title: title, xmax: xmax, yfmt: yfmt, windows: windows, cursor: cursor}
	}
	load := mk(bold.Render("goodput")+dim.Render(" vs offered (grey), calls/s"), nil)
	lat := mk(bold.Render("p99 latency")+dim.Render(" of successful calls"), fmtSeconds)
	third := mk(bold.Render("in flight")+dim.Render(" (calls; c: queue)"), nil)
	switch r.chart3 {
	case 1:
		third.title = bold.Render("queue length") + dim.Render(" (waiting; c: attempts)")
	case 2:
		third.title = bold.Render("attempts") + dim.Render("/s, retries included (c: in flight)")
	}
	fail := mk(bold.Render("failures")+dim.Render(", calls/s"), nil)
	k := last + 1
	var goodput []line
	for i, sn := range r.snaps {
		s := &sn.Series
		n := min(k, len(s.T))
		if n <= 0 || r.hidden(i) {
			continue
		}
		xs := make([]float64, n)
		for j := range xs {
			xs[j] = s.T[j] + iv/2
		}
		st := variantStyle(i)
		tot := &s.Total
		load.lines = append(load.lines, line{xs, tot.Offered[:n], greyLine})
		goodput = append(goodput, line{xs, tot.Goodput[:n], st})
		lat.lines = append(lat.lines, line{xs, tot.P99[:n], st})
		switch r.chart3 {
		case 1:
			q := make([]float64, n)
			for j := range q {
				q[j] = queueAt(s, j)
			}
			third.lines = append(third.lines, line{xs, q, st})
		case 2:
			third.lines = append(third.lines, line{xs, tot.Attempts[:n], st})
		default:
			third.lines = append(third.lines, line{xs, tot.InFlight[:n], st})
		}
		f := make([]float64, n)
		for j := range f {
			f[j] = failedAt(tot, j)
		}
		fail.lines = append(fail.lines, line{xs, f, st})
	}
	// goodput drawn over every offered line
	load.lines = append(load.lines, goodput...)
	return []chartSpec{load, lat, third, fail}
}

// viewHelp renders the help overlay: the keys in as many columns as fit,
// then what the screen shows, as far as the height allows.
func (m *Model) viewHelp() string {
	w, h := max(m.width, 20), max(m.height, 5)
	var groups [][]keyBinding
	if m.screen == screenGallery || m.run == nil {
		k := m.gkeys
		groups = [][]keyBinding{{k.Up, k.Open, k.More, k.Less, k.Help, k.Quit}}
	} else {
		groups = m.run.keys.helpGroups()
	}
	var entries []string
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			hb := b.Help()
			entries = append(entries, keyStyle.Render(padRight(hb.Key, 6))+" "+hb.Desc)
		}
	}
	colW := 0
	for _, e := range entries {
		colW = max(colW, lipgloss.Width(e))
	}
	colW += 3
	cols := max(1, min(3, w/colW))
	rows := (len(entries) + cols - 1) / cols
	var keys []string
	for r := range rows {
		var l string
		for c := range cols {
			if i := c*rows + r; i < len(entries) {
				l += padRight(entries[i], colW)
			}
		}
		keys = append(keys, strings.TrimRight(l, " "))
	}
	head := titleStyle.Render("stampede") + " · " + bold.Render("keys") + dim.Render("  (any key closes)")
	intro := "Every variant runs as its own simulation on one virtual clock, one colour each. " +
		"A fault you inject starts now in every variant and lasts the duration shown; a knob change re-runs the variants from the start with the new setting " +
		"(a rate from now on; a timeout, retry attempts or a strategy for the whole run: scenario files have no timeline for them). " +
		"The timeline records it all, and s saves it as a scenario that `stampede run` replays exactly."
	charts := "Charts: goodput (calls that succeeded per second) over the offered load in grey; p99 latency of successful calls; " +
		"calls in flight (or the queue: c); failed calls per second. A red stretch of the time axis is a fault window, " +
		"the yellow line the time-travel cursor."
	out := []string{head, ""}
	out = append(out, keys...)
	for _, para := range []string{intro, charts} {
		lines := wrap(para, w-1)
		if len(out)+1+len(lines) > h {
			break
		}
		out = append(out, "")
		for _, l := range lines {
			out = append(out, dim.Render(l))
		}
	}
	return fitBlock(strings.Join(out, "\n"), w, h)
}
