package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
)

// waterfallState is the trace overlay: the traces of every variant so
// far, the slowest first, and the one shown.
type waterfallState struct {
	items []waterfallItem
	cur   int
}

type waterfallItem struct {
	variant int
	trace   results.Trace
}

// openWaterfall collects the traces recorded so far; it reports false
// when there are none yet.
func (r *runState) openWaterfall() bool {
	var items []waterfallItem
	for i, w := range r.sess.Sessions() {
		for _, t := range w.Traces() {
			items = append(items, waterfallItem{i, t})
		}
	}
	if len(items) == 0 {
		return false
	}
	slices.SortStableFunc(items, func(a, b waterfallItem) int {
		switch {
		case a.trace.LatencyS > b.trace.LatencyS:
			return -1
		case a.trace.LatencyS < b.trace.LatencyS:
			return 1
		}
		return a.variant - b.variant
	})
	r.wf = &waterfallState{items: items}
	return true
}

// viewWaterfall renders the trace overlay at w x h.
func (r *runState) viewWaterfall(w, h int) string {
	wf := r.wf
	it := &wf.items[wf.cur]
	t := &it.trace
	names := r.sess.Names()
	head := titleStyle.Render("stampede") + " · " + bold.Render("request trace") +
		dim.Render(fmt.Sprintf(" %d/%d, slowest first  (w next, any other key closes)", wf.cur+1, len(wf.items)))
	about := variantStyle(it.variant).Render("■ "+names[it.variant]) + "  " +
		fmt.Sprintf("%s call %s at %s: %s after %s", t.Client, t.ID[:8], fmtSeconds(t.StartS), t.Outcome, fmtSeconds(t.LatencyS)) +
		dim.Render("  kept: "+strings.Join(t.Kept, ", "))
	bar := max(10, min(80, w-50))
	lines := append([]string{head, about, ""}, t.Waterfall(bar)...)
	if t.Dropped > 0 {
		lines = append(lines, dim.Render(fmt.Sprintf("(%d calls or attempts not recorded: over max_spans)", t.Dropped)))
	}
	lines = append(lines, "", dim.Render("= network  . queue  # service (or cache)  ~ downstream calls  - no answer yet  ! the caller gave up  (gaps between attempts: backoff)"))
	for len(lines) < h {
		lines = append(lines, "")
	}
	return fitBlock(strings.Join(lines, "\n"), w, h)
}
