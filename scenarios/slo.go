package scenarios

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
)

// sloCells returns the SLO section of the table: one line per row and SLO
// (nil when no row has SLOs): the SLI against the objective, the error
// budget the run spent, the worst interval's burn rate, the rule that
// fired first, when, and how long after the first fault began, how many
// pages and tickets fired, and how many of them were false positives.
func (r *Result) sloCells() ([][]string, []bool) {
	var header []string
	var right []bool
	for _, ax := range r.Axes {
		header = append(header, ax.Path)
		right = append(right, true)
	}
	header = append(header, "variant", "slo", "sli", "objective", "budget spent", "worst burn", "first alert", "at", "detect", "pages", "tickets", "false +")
	right = append(right, false, false, true, true, true, true, false, true, true, true, true, true)
	out := [][]string{header}
	for i := range r.Rows {
		row := &r.Rows[i]
		slos := row.summary.get("slos")
		if slos == nil || slos.kind != jObj {
			continue
		}
		for _, name := range slos.keys {
			p := "slos." + name + "."
			var cs []string
			for _, v := range row.Point {
				cs = append(cs, v.Text)
			}
			first := "-"
			if v, ok := row.Value(p + "first_alert"); ok {
				if s, _ := v.(string); s != "" {
					first = s
				}
			}
			at, detect := "-", "-"
			if t, ok := row.Number(p + "first_alert_s"); ok {
				at = results.FormatSeconds(t)
			}
			if first != "-" && first != "mixed" {
				if t, ok := row.Number("alerts." + name + "." + first + ".detect_s"); ok {
					detect = "+" + results.FormatSeconds(t)
				}
			}
			pages, tickets, fp := 0.0, 0.0, 0.0
			if al := row.summary.get("alerts").get(name); al != nil && al.kind == jObj {
				for k, rule := range al.keys {
					n := al.vals[k].get("fired")
					if n == nil || n.kind != jNum {
						continue
					}
					if sev := al.vals[k].get("severity"); sev != nil && sev.s == string(results.Ticket) {
						tickets += n.n
					} else {
						pages += n.n
					}
					if x, ok := row.Number("alerts." + name + "." + rule + ".false_positives"); ok {
						fp += x
					}
				}
			}
			sli := "-"
			if v, ok := row.Number(p + "sli"); ok {
				sli = fmtFraction(v)
			}
			cs = append(cs, row.Variant, name, sli, fmtFraction(numOr(row, p+"objective")),
				fmtPercent(100*numOr(row, p+"budget_spent"))+"%",
				strconv.FormatFloat(numOr(row, p+"max_burn_rate"), 'f', 1, 64)+"x",
				first, at, detect, fmtCount(pages), fmtCount(tickets), fmtCount(fp))
			out = append(out, cs)
		}
	}
	if len(out) == 1 {
		return nil, nil
	}
	return out, right
}

// fmtFraction writes a fraction as a percentage with enough digits to
// tell nines apart: 99.9%, 99.412%.
func fmtFraction(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return strconv.FormatFloat(100*x, 'g', 5, 64) + "%"
}

// fmtCount writes a count, or a mean of counts over replications.
func fmtCount(x float64) string {
	if x == math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// writeSLOTable writes the SLO section after the results table, if any.
func (r *Result) writeSLOTable(bw *bufio.Writer, color bool, width int) {
	cells, right := r.sloCells()
	if cells == nil {
		return
	}
	bw.WriteString("\n")
	writeAligned(bw, cells, right, color, width, trailing(cells, len(r.Axes)+2))
}

// writeSLOReport writes the SLO section of the Markdown report, if any.
func (r *Result) writeSLOReport(bw *bufio.Writer) {
	cells, right := r.sloCells()
	if cells == nil {
		return
	}
	bw.WriteString("\n## SLOs and alerts\n\nBudget spent is the fraction of one compliance window's error budget the run used; detect is the time from the first fault's start to the first alert.\n\n")
	writeMarkdownTable(bw, cells, right)
}

func writeMarkdownTable(bw *bufio.Writer, cells [][]string, right []bool) {
	for i, row := range cells {
		esc := make([]string, len(row))
		for j, c := range row {
			esc[j] = mdEscape(c)
		}
		bw.WriteString("| " + strings.Join(esc, " | ") + " |\n")
		if i == 0 {
			var seps []string
			for _, rt := range right {
				if rt {
					seps = append(seps, "---:")
				} else {
					seps = append(seps, "---")
				}
			}
			bw.WriteString("| " + strings.Join(seps, " | ") + " |\n")
		}
	}
}

// TraceSets returns the request traces of each row (those of its first
// replication), named by variant and sweep point, for
// results.WriteChromeTrace. Rows run without Options.Traces have none.
func (r *Result) TraceSets() []results.TraceSet {
	var out []results.TraceSet
	for i := range r.Rows {
		row := &r.Rows[i]
		if len(row.Traces) == 0 {
			continue
		}
		name := row.Variant
		for j, v := range row.Point {
			name += " " + r.Axes[j].Path + "=" + v.Text
		}
		out = append(out, results.TraceSet{Name: name, Traces: row.Traces})
	}
	return out
}

// WriteTraces writes the rows' request traces in the Chrome trace event
// format (ui.perfetto.dev and chrome://tracing open it).
func (r *Result) WriteTraces(w io.Writer) error {
	return results.WriteChromeTrace(w, r.TraceSets())
}
