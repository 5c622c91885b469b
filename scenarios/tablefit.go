package scenarios

import (
	"bufio"
	"fmt"

	"github.com/stampede-sim/stampede/models/results"
)

// Tables that fit a terminal. With a width (TableOptions.Width: the
// terminal's, or --width), every table under a run leaves out its least
// important columns to fit and says so, and a table of more than
// collapseRows rows shows only the rows that tell its story (see
// collapsedRows) unless TableOptions.All is set. Without a width (output
// to a file or a pipe) every row and column is written.

// collapseRows is the most rows a table shows in full on a terminal.
const collapseRows = 20

// writeAligned writes one table laid out to width (0: no limit); the
// columns in optional (indices into the table's columns, least
// important first) may be left out, and the line under the table says
// which were.
func writeAligned(w *bufio.Writer, cells [][]string, right []bool, color bool, width int, optional []int, lists ...int) {
	t := results.TextTable{Cells: cells, Right: right, Optional: optional, Bold: color}
	for _, j := range lists {
		if t.Lists == nil {
			t.Lists = make([]bool, len(right))
		}
		t.Lists[j] = true
	}
	if color && len(cells) > 0 {
		last := len(cells[0]) - 1
		t.Paint = func(_, col int, s string) string {
			if col == last {
				return colorVerdict(s)
			}
			return s
		}
	}
	text, omitted, cut := t.Layout(width)
	w.WriteString(text)
	w.WriteString(results.OmittedNote(omitted, cut, width))
}

// trailing lists a table's columns from its last to its first column
// from, the order in which the per-layer, paired and SLO tables leave
// columns out: the sweep values and the variant stay.
func trailing(cells [][]string, from int) []int {
	if len(cells) == 0 {
		return nil
	}
	var out []int
	for j := len(cells[0]) - 1; j >= from; j-- {
		out = append(out, j)
	}
	return out
}

// summaryOptional is the results table's order of leaving columns out
// (after the sweep values): attempts, calls, p50, fallbacks (when
// shown), failures (first cut to the most frequent reason),
// amplification, p99; the variant, goodput and the verdict stay.
func (r *Result) summaryOptional() []int {
	a := len(r.Axes)
	// variant calls attempts ampl goodput/s p50 p99 failures [fallbacks] recovery
	if r.hasFallbacks() {
		return []int{a + 2, a + 1, a + 5, a + 8, a + 7, a + 3, a + 6}
	}
	return []int{a + 2, a + 1, a + 5, a + 7, a + 3, a + 6}
}

// verdictKind is a row's recovery verdict without its times: what
// changes at a sweep's boundary.
func verdictKind(r *Row) string {
	if r.Stopped != "" {
		return "stopped"
	}
	v, _ := r.Value("recovery.verdict")
	s, _ := v.(string)
	return s
}

// collapsed returns the result to tabulate: r itself, or, for a table
// too long for a terminal, a copy holding only the rows collapsedRows
// keeps, and the line that says how many were hidden.
func (r *Result) collapsed(opts TableOptions) (*Result, string) {
	if opts.Width <= 0 || opts.All || len(r.Rows) <= collapseRows {
		return r, ""
	}
	keep := collapsedRows(r.Rows)
	v := *r
	v.Rows = make([]Row, 0, len(keep))
	for _, i := range keep {
		v.Rows = append(v.Rows, r.Rows[i])
	}
	return &v, results.FitProse(fmt.Sprintf("(%d of %d rows hidden: shown are the first and last rows, each variant's best and worst goodput and where its verdict changes; --all shows every row)",
		len(r.Rows)-len(keep), len(r.Rows)), opts.Width) + "\n"
}

// collapsedRows picks the rows of a long table worth a reader's eye, in
// table order: the first and last rows, each variant's rows with the
// highest and lowest goodput, and, along a sweep, the first row of each
// variant whose recovery verdict (recovered, not recovered, mixed, ...)
// differs from the variant's row before it: the boundary.
func collapsedRows(rows []Row) []int {
	pick := make([]bool, len(rows))
	pick[0], pick[len(rows)-1] = true, true
	best, worst := map[string]int{}, map[string]int{}
	prev := map[string]int{}
	var order []string
	for i := range rows {
		name := rows[i].Variant
		g, ok := rows[i].Number("goodput")
		if _, seen := prev[name]; !seen {
			order = append(order, name)
		} else if verdictKind(&rows[prev[name]]) != verdictKind(&rows[i]) {
			pick[i] = true
		}
		prev[name] = i
		if !ok {
			continue
		}
		if b, seen := best[name]; !seen || g > numOr(&rows[b], "goodput") {
			best[name] = i
		}
		if w, seen := worst[name]; !seen || g < numOr(&rows[w], "goodput") {
			worst[name] = i
		}
	}
	for _, name := range order {
		if i, ok := best[name]; ok {
			pick[i] = true
		}
		if i, ok := worst[name]; ok {
			pick[i] = true
		}
	}
	var out []int
	for i, p := range pick {
		if p {
			out = append(out, i)
		}
	}
	return out
}
