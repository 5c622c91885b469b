package tui

import (
	"math"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/strategies"
)

// statusKind is one item of a variant's status line.
type statusKind int

// Status line items, in the order they are shown: the interval's
// metrics, the recovery verdict, the strategies' state, the SLOs.
const (
	stGood statusKind = iota
	stFallback
	stP99
	stInFlight
	stQueue
	stFail
	stAmpl
	stWasted
	stVerdict
	stBreaker
	stEjected
	stBusiest
	stReplicas
	stLimit
	stTokens
	stThrottle
	stRetryBreaker
	stBulkhead
	stShed
	stRateLimited
	stDropped
	stExpired
	stEvicted
	stReneged
	stHedges
	stRetries
	stSLO
	numStatusKinds
)

// firstStrategy and lastStrategy bound the strategy items, shown
// together after the verdict.
const (
	firstStrategy = stBreaker
	lastStrategy  = stRetries
)

// statusDrop is the order items are left out in, from every line at once,
// until the lines fit the terminal: the goodput and the verdict stay. The
// SLOs come last on the line and are cut at its end instead.
var statusDrop = []statusKind{stInFlight, stQueue, stRetries, stHedges, stEvicted, stReneged, stExpired, stDropped, stRateLimited,
	stShed, stBulkhead, stWasted, stAmpl, stFallback, stP99, stFail, stRetryBreaker, stThrottle, stTokens, stLimit, stBusiest, stReplicas, stEjected, stBreaker}

// sloRoom is the width the SLOs keep at the end of the status lines.
const sloRoom = 32

// statusLabels are the items' labels, wide and narrow.
var statusLabels = [numStatusKinds][2]string{
	stGood:         {"goodput ", "good "},
	stFallback:     {"fallbacks ", "fb "},
	stP99:          {"p99 ", "p99 "},
	stInFlight:     {"in flight ", "infl "},
	stQueue:        {"queue ", "q "},
	stFail:         {"failed ", "fail "},
	stAmpl:         {"ampl ", "amp "},
	stWasted:       {"wasted ", "wst "},
	stBreaker:      {"breaker ", "brk "},
	stEjected:      {"ejected ", "ej "},
	stBusiest:      {"busiest replica ", "hot "},
	stReplicas:     {"replicas ", "rep "},
	stLimit:        {"limit ", "lim "},
	stTokens:       {"tokens ", "tok "},
	stThrottle:     {"throttle ", "thr "},
	stRetryBreaker: {"retry breaker ", "rbrk "},
	stBulkhead:     {"bulkhead ", "bulk "},
	stShed:         {"shed ", "shed "},
	stRateLimited:  {"rate limited ", "rl "},
	stDropped:      {"dropped ", "drop "},
	stExpired:      {"expired ", "exp "},
	stEvicted:      {"evicted ", "evic "},
	stReneged:      {"reneged ", "ren "},
	stHedges:       {"hedges ", "hdg "},
	stRetries:      {"retries ", "rt "},
}

// ownedValue is a strategy item's value on one client, edge or service.
type ownedValue struct{ owner, v string }

// statusLines is one line per variant: its colour and name, the metrics
// of the shown interval, the recovery verdict so far, the state of its
// strategies (breaker, concurrency limit, budget tokens, throttle
// probability, ...), and its SLOs. Items are aligned in columns; when the
// lines do not fit, the least important items are left out of every
// line (statusDrop).
func (r *runState) statusLines(w, last int) []string {
	names := r.sess.Names()
	nameW := 4
	for _, n := range names {
		nameW = max(nameW, min(lipgloss.Width(n), 18))
	}
	narrow := w < 110
	lab := 0
	sep := "  "
	if narrow {
		lab, sep = 1, " "
	}
	heads := make([]string, len(r.snaps))
	cells := make([][numStatusKinds]string, len(r.snaps))
	warm := make([]bool, len(r.snaps))
	for i := range r.snaps {
		sn := &r.snaps[i]
		name := padRight(truncate(names[i], nameW), nameW)
		heads[i] = variantStyle(i).Render("■ "+name) + " "
		if r.hidden(i) {
			heads[i] = dim.Render("□ "+name) + " "
		}
		if r.compact {
			heads[i] += variantStyle(i).Render(sparkline(sn.Series.Total.Goodput, last, sparkW(w), r.sparkMax(last))) + " "
		}
		c := &cells[i]
		if v := r.verdict(i); v != "" {
			c[stVerdict] = v
		}
		if last < 0 || last >= len(sn.Series.T) {
			warm[i] = true
			continue
		}
		tot := &sn.Series.Total
		item := func(k statusKind, v string) string { return dim.Render(statusLabels[k][lab]) + v }
		c[stGood] = item(stGood, format.ShortNumber(at(tot.Goodput, last))+"/s")
		if fb, ok := fallbacksAt(&sn.Series, last); ok {
			c[stFallback] = item(stFallback, format.ShortNumber(fb)+"/s")
		}
		c[stP99] = item(stP99, fmtSeconds(at(tot.P99, last)))
		c[stInFlight] = item(stInFlight, format.ShortNumber(at(tot.InFlight, last)))
		c[stQueue] = item(stQueue, format.ShortNumber(queueAt(&sn.Series, last)))
		c[stFail] = item(stFail, format.ShortNumber(failedAt(tot, last))+"/s")
		if e, a := topEdge(&sn.Series, last); e != "" {
			c[stAmpl] = item(stAmpl, dim.Render(e+" ")+"x"+format.TrimFloat(a, 2))
		}
		if sv, f := topWaste(&sn.Series, last); sv != "" {
			c[stWasted] = item(stWasted, dim.Render(sv+" ")+format.ShortNumber(math.Round(100*f))+"%")
		}
		for k, vs := range r.strategyValues(sn, last, narrow) {
			if len(vs) == 0 {
				continue
			}
			var b strings.Builder
			b.WriteString(dim.Render(statusLabels[k][lab]))
			for j, ov := range vs {
				if j > 0 {
					b.WriteString(" ")
				}
				if len(vs) > 1 {
					b.WriteString(dim.Render(ov.owner + " "))
				}
				b.WriteString(ov.v)
			}
			c[k] = b.String()
		}
		c[stSLO] = sloStatus(&sn.Series, last, w < 160)
	}
	// The SLOs keep room for a few words (the first one's name and the
	// alert firing) when the other items can make it.
	room := 0
	for _, c := range cells {
		if c[stSLO] != "" {
			room = min(max(room, lipgloss.Width(c[stSLO])), sloRoom) + len(sep)
		}
	}
	var drop [numStatusKinds]bool
	drop[stSLO] = true
	next := 0
	widestOf := func() int {
		widest := 0
		for _, l := range layoutStatus(heads, cells, warm, drop, sep) {
			widest = max(widest, lipgloss.Width(l)+room)
		}
		return widest
	}
	for {
		widest := widestOf()
		for next < len(statusDrop) && !present(cells, statusDrop[next], drop) {
			next++
		}
		if widest <= w || next == len(statusDrop) {
			// An item left out early may fit again once a wider one went
			// (a strategy's state once the wasted share went): put back
			// the most important of them that fit.
			for k := next - 1; k >= 0 && widest <= w; k-- {
				if it := statusDrop[k]; drop[it] {
					drop[it] = false
					if widestOf() > w {
						drop[it] = true
					}
				}
			}
			drop[stSLO] = false
			lines := layoutStatus(heads, cells, warm, drop, sep)
			for j, l := range lines {
				lines[j] = truncate(l, w)
			}
			return lines
		}
		drop[statusDrop[next]] = true
		next++
	}
}

// present reports whether any line has item k (not dropped).
func present(cells [][numStatusKinds]string, k statusKind, drop [numStatusKinds]bool) bool {
	if drop[k] {
		return false
	}
	for _, c := range cells {
		if c[k] != "" {
			return true
		}
	}
	return false
}

// layoutStatus joins the items into lines, in columns: the metrics one
// column each, then the verdict, the strategies together, the SLOs, each
// column as wide as its widest entry (except the last).
func layoutStatus(heads []string, cells [][numStatusKinds]string, warm []bool, drop [numStatusKinds]bool, sep string) []string {
	type column []string
	var cols []column
	add := func(get func(c *[numStatusKinds]string) string) {
		col := make(column, len(cells))
		any := false
		for i := range cells {
			col[i] = get(&cells[i])
			any = any || col[i] != ""
		}
		if any {
			cols = append(cols, col)
		}
	}
	for k := stGood; k < stVerdict; k++ {
		if !drop[k] {
			add(func(c *[numStatusKinds]string) string { return c[k] })
		}
	}
	// the verdict, the strategies and the SLOs are set apart by two spaces
	firstWide := len(cols)
	add(func(c *[numStatusKinds]string) string { return c[stVerdict] })
	add(func(c *[numStatusKinds]string) string {
		var parts []string
		for k := firstStrategy; k <= lastStrategy; k++ {
			if !drop[k] && c[k] != "" {
				parts = append(parts, c[k])
			}
		}
		return strings.Join(parts, sep)
	})
	if !drop[stSLO] {
		add(func(c *[numStatusKinds]string) string { return c[stSLO] })
	}
	widths := make([]int, len(cols))
	for j, col := range cols {
		for i, s := range col {
			if !warm[i] || j == len(cols)-1 {
				widths[j] = max(widths[j], lipgloss.Width(s))
			}
		}
	}
	out := make([]string, len(cells))
	for i := range cells {
		var b strings.Builder
		b.WriteString(heads[i])
		if warm[i] {
			b.WriteString(dim.Render("warming up: the first interval has not closed yet"))
			if v := cells[i][stVerdict]; v != "" {
				b.WriteString("  " + v)
			}
			out[i] = b.String()
			continue
		}
		for j, col := range cols {
			switch {
			case j >= firstWide:
				b.WriteString("  ")
			case j > 0:
				b.WriteString(sep)
			}
			if j < len(cols)-1 {
				b.WriteString(padRight(col[i], widths[j]))
			} else {
				b.WriteString(col[i])
			}
		}
		out[i] = strings.TrimRight(b.String(), " ")
	}
	return out
}

// strategyValues returns the state of a variant's strategies, by item:
// live, the levels as they are now (the breaker's state, the concurrency
// limit, the budget's tokens, the throttle's probability) and the counts
// of the last closed interval; while time travelling, everything as of
// the interval under the cursor (a level is then its time-weighted mean
// over the interval). A call edge has no live levels: it shows the
// interval's.
func (r *runState) strategyValues(sn *results.Snapshot, last int, narrow bool) [numStatusKinds][]ownedValue {
	var out [numStatusKinds][]ownedValue
	live := r.cursor < 0
	put := func(k statusKind, owner, v string) { out[k] = append(out[k], ownedValue{owner, v}) }
	calls := func(owner string, ser map[string]results.Values, now map[string]float64, breaker string) {
		level := func(m strategies.Metric) (float64, bool) {
			name := string(m)
			if now != nil {
				x, ok := now[name]
				return x, ok
			}
			s, ok := ser[name]
			return at(s, last), ok
		}
		if breaker != "" {
			put(stBreaker, owner, breakerName(breaker))
		} else if x, ok := level(strategies.MetricBreakerState); ok {
			put(stBreaker, owner, breakerMean(x))
		}
		if x, ok := level(strategies.MetricEjected); ok {
			// replicas the caller's outlier detection has ejected
			put(stEjected, owner, format.ShortNumber(x))
		}
		if x, ok := level(strategies.MetricBudgetTokens); ok {
			put(stTokens, owner, format.ShortNumber(x))
		}
		if x, ok := level(strategies.MetricThrottleP); ok {
			put(stThrottle, owner, fmtPercent(x))
		}
		if x, ok := level(strategies.MetricRetryBreakerState); ok {
			put(stRetryBreaker, owner, retryBreakerMean(x))
		}
		if x, ok := level(strategies.MetricBulkheadInFlight); ok {
			v := format.ShortNumber(x)
			if q, ok := level(strategies.MetricBulkheadWaiting); ok && q > 0 && !math.IsNaN(q) {
				if narrow {
					v += "+" + format.ShortNumber(q)
				} else {
					v += " +" + format.ShortNumber(q) + " waiting"
				}
			}
			put(stBulkhead, owner, v)
		}
		rate := func(k statusKind, m strategies.Metric) {
			if s, ok := ser[string(m)]; ok {
				put(k, owner, format.ShortNumber(at(s, last))+"/s")
			}
		}
		rate(stHedges, strategies.MetricHedges)
		rate(stRetries, strategies.MetricRetries)
	}
	for j := range sn.Series.Clients {
		cs := &sn.Series.Clients[j]
		var now map[string]float64
		breaker := ""
		if live && j < len(sn.Clients) {
			now, breaker = sn.Clients[j].Strategy, sn.Clients[j].Breaker
		}
		if cs.Strategy != nil || now != nil {
			calls(cs.Name, cs.Strategy, now, breaker)
		}
	}
	for j := range sn.Series.Edges {
		if es := &sn.Series.Edges[j]; es.Strategy != nil {
			calls(es.Name, es.Strategy, nil, "")
		}
	}
	for j := range sn.Series.Services {
		ss := &sn.Series.Services[j]
		if ss.Strategy == nil {
			continue
		}
		if s, ok := ss.Strategy[string(strategies.MetricConcurrencyLimit)]; ok {
			x := at(s, last)
			if live && j < len(sn.Services) {
				if v, ok := sn.Services[j].Strategy[string(strategies.MetricConcurrencyLimit)]; ok {
					x = v
				}
			}
			put(stLimit, ss.Name, format.ShortNumber(x))
		}
		if s, ok := ss.Strategy[string(strategies.MetricReplicas)]; ok {
			// ready replicas, and the count asked for when it differs
			// (replicas provisioning or retiring)
			ready, asked := at(s, last), at(ss.Strategy[string(strategies.MetricDesiredReplicas)], last)
			if live && j < len(sn.Services) {
				ready, asked = sn.Services[j].Strategy[string(strategies.MetricReplicas)], sn.Services[j].Strategy[string(strategies.MetricDesiredReplicas)]
			}
			v := format.ShortNumber(ready)
			if math.Round(asked) != math.Round(ready) {
				v += "→" + format.ShortNumber(asked)
			}
			put(stReplicas, ss.Name, v)
		}
		if s, ok := ss.Strategy[string(strategies.MetricBusiestShare)]; ok {
			// a hot key or a weighted balancer: the busiest replica's share
			put(stBusiest, ss.Name, fmtPercent(at(s, last)))
		}
		for _, m := range []struct {
			k    statusKind
			name strategies.Metric
		}{{stShed, strategies.MetricShed}, {stRateLimited, strategies.MetricRateLimited}, {stDropped, strategies.MetricDropped}, {stExpired, strategies.MetricExpired},
			{stEvicted, strategies.MetricEvicted}, {stReneged, strategies.MetricReneged}} {
			if s, ok := ss.Strategy[string(m.name)]; ok {
				put(m.k, ss.Name, format.ShortNumber(at(s, last))+"/s")
			}
		}
	}
	return out
}

// breakerName styles a breaker's state: open in red, half-open in yellow,
// closed in green.
func breakerName(s string) string {
	switch s {
	case "open":
		return errStyle.Render(s)
	case "half_open":
		return cursorLine.Render(s)
	}
	return okStyle.Render(s)
}

// breakerMean names an interval's mean breaker_state (0 closed, 0.5
// half-open, 1 open): a state when it held the whole interval, else the
// share of the interval it was open for, counting half-open as half.
func breakerMean(x float64) string {
	switch {
	case math.IsNaN(x):
		return "—"
	case x == 0:
		return breakerName("closed")
	case x == 1:
		return breakerName("open")
	case x == 0.5:
		return breakerName("half_open")
	}
	return faultStyle.Render("open " + fmtPercent(x))
}

// retryBreakerMean names a retry breaker's state (0 retries allowed, 1
// blocked), or the share of the interval it blocked them.
func retryBreakerMean(x float64) string {
	switch {
	case math.IsNaN(x):
		return "—"
	case x == 0:
		return okStyle.Render("closed")
	case x == 1:
		return errStyle.Render("open")
	}
	return faultStyle.Render("open " + fmtPercent(x))
}

// fmtPercent formats a probability as a percentage ("53%", "2.5%",
// "0.12%").
func fmtPercent(p float64) string {
	if math.IsNaN(p) {
		return "—"
	}
	if x := 100 * p; math.Abs(x) >= 10 {
		return format.ShortNumber(math.Round(x)) + "%"
	}
	return format.ShortNumber(100*p) + "%"
}

// topEdge is the call edge (services calling services, caches their
// backends) with the highest amplification, attempts per call, in
// interval i, and that amplification; "" in a world without such edges or
// when none multiplies its calls.
func topEdge(s *results.Series, i int) (string, float64) {
	name, top := "", 1.0
	for j := range s.Edges {
		if a := at(s.Edges[j].Amplification, i); a > top {
			name, top = s.Edges[j].Name, a
		}
	}
	return name, top
}

// topWaste is the service that spent the largest share of its busy time
// on answers nobody used in interval i, and that share; "" when none
// wasted 1% or more.
func topWaste(s *results.Series, i int) (string, float64) {
	name, top := "", 0.01
	for j := range s.Services {
		sv := &s.Services[j]
		busy, wasted := at(sv.Busy, i), at(sv.Wasted, i)
		if busy > 0 && wasted/busy >= top {
			name, top = sv.Name, min(1, wasted/busy)
		}
	}
	return name, top
}

// sparkLevels are the eight heights of a sparkline cell.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// sparkW is how many cells a compact status line's sparkline takes.
func sparkW(w int) int { return min(max(w/5, 8), 32) }

// sparkline draws v[0..last] in width cells, each the mean of its share
// of the intervals, as one of eight heights of ymax (shared by every
// variant, so that the lines compare); a cell with no value is blank.
func sparkline(v []float64, last, width int, ymax float64) string {
	n := min(last+1, len(v))
	out := make([]rune, width)
	for c := range out {
		out[c] = ' '
		lo, hi := c*n/width, (c+1)*n/width
		if n < width { // fewer intervals than cells: one interval a cell
			lo, hi = c, c+1
		}
		sum, k := 0.0, 0
		for j := lo; j < hi && j < n; j++ {
			if !math.IsNaN(v[j]) {
				sum += v[j]
				k++
			}
		}
		if k == 0 || !(ymax > 0) {
			continue
		}
		lvl := int(sum / float64(k) / ymax * float64(len(sparkLevels)-1))
		out[c] = sparkLevels[min(max(lvl, 0), len(sparkLevels)-1)]
	}
	return string(out)
}

// sparkMax is the top of the compact sparklines: the most offered or
// goodput of any variant in intervals 0..last.
func (r *runState) sparkMax(last int) float64 {
	m := 0.0
	for i := range r.snaps {
		t := &r.snaps[i].Series.Total
		for _, v := range [][]float64{t.Offered, t.Goodput} {
			for j := 0; j <= last && j < len(v); j++ {
				if !math.IsNaN(v[j]) {
					m = max(m, v[j])
				}
			}
		}
	}
	return m
}
