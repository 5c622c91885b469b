package fit

import (
	"fmt"
	"io"
)

// Warning names: what was odd in the input, each counted. A fit with
// warnings still writes its scenario; the warnings say what it could not
// trust, and how much of the input that was.
const (
	WarnMissingParent = "missing_parent"  // spans naming a parent absent from their trace
	WarnClockSkew     = "clock_skew"      // children starting before or ending after their parent
	WarnNoService     = "no_service_name" // spans whose resource has no service.name
	WarnAttributes    = "attributes_skipped"
	WarnEvicted       = "evicted_early"      // traces cut short by MaxBufferedSpans
	WarnLongSpan      = "long_spans"         // spans longer than MaxSpanDuration, left out of concurrency
	WarnNegative      = "negative_durations" // spans ending before they start, skipped
	WarnCycle         = "cycles"             // parent links that loop or nest deeper than MaxDepth
	WarnEmptyWindow   = "empty_windows"      // one-second windows with no call inside the observed span
	WarnNonMonotonic  = "non_monotonic_buckets"
	WarnNaN           = "nan_samples"
	WarnEmptySeries   = "empty_series"
	WarnUnknownTarget = "unknown_targets" // client spans with no server child and no peer.service
)

// warningText says what each warning means to the reader of a fit.
var warningText = map[string]string{
	WarnMissingParent: "spans name a parent span that is not in the input: their own times count, their callers do not",
	WarnClockSkew:     "child spans start before or end after their parent (clock skew between hosts?): clamped to the parent",
	WarnNoService:     "spans have no service.name: counted under service \"unknown\"",
	WarnAttributes:    "attributes beyond the limit per span were skipped",
	WarnEvicted:       "traces were fitted before all their spans arrived (MaxBufferedSpans): raise the limit or sort the input",
	WarnLongSpan:      "spans longer than MaxSpanDuration are left out of the concurrency estimate",
	WarnNegative:      "spans end before they start and were skipped",
	WarnCycle:         "spans' parent links loop or nest too deep: those spans were skipped",
	WarnEmptyWindow:   "one-second windows inside the observed span have no call at all (a gap in the export?)",
	WarnNonMonotonic:  "histogram steps had a bucket count below a smaller bucket's: those steps were skipped",
	WarnNaN:           "samples were NaN or infinite and were skipped",
	WarnEmptySeries:   "series had no samples in the window",
	WarnUnknownTarget: "client spans had no server child and no peer.service: their target is unknown and they were left out of the graph",
}

// Warnings counts the odd things a fit met, by name.
type Warnings struct {
	counts map[string]int64
	order  []string
}

func (w *Warnings) add(name string, n int) {
	if n <= 0 {
		return
	}
	if w.counts == nil {
		w.counts = map[string]int64{}
	}
	if _, ok := w.counts[name]; !ok {
		w.order = append(w.order, name)
	}
	w.counts[name] += int64(n)
}

// Count returns how many times the named warning occurred.
func (w *Warnings) Count(name string) int64 { return w.counts[name] }

// Names lists the warnings that occurred, in the order first met.
func (w *Warnings) Names() []string { return w.order }

// Write prints one line per warning: name, count, meaning.
func (w *Warnings) Write(out io.Writer, prefix string) {
	for _, n := range w.order {
		fmt.Fprintf(out, "%swarning %s: %d: %s\n", prefix, n, w.counts[n], warningText[n])
	}
}
