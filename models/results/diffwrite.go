package results

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// verdict says what a change is: "REGRESSION", "improvement", or why it
// is not flagged.
func (c *Change) verdict() string {
	switch {
	case math.IsNaN(c.Diff):
		return "-"
	case c.Regression():
		return "REGRESSION"
	case c.Flagged():
		return "improvement"
	case c.Diff == 0:
		return "same"
	case !c.BeyondNoise:
		return "within noise"
	}
	return "within band"
}

// cells prints a change: old, new, change (with its relative size) and
// interval.
func (c *Change) cells() (old, new, change, ci string) {
	h := c.Metric
	old, new = h.Format(c.Old), h.Format(c.New)
	switch {
	case math.IsNaN(c.Diff):
		change = "-"
	case math.IsNaN(c.Rel) || c.Diff == 0:
		change = h.FormatSigned(c.Diff)
	default:
		change = fmt.Sprintf("%s (%s%%)", h.FormatSigned(c.Diff), signedPercent(100*c.Rel))
	}
	ci = "-"
	if !math.IsNaN(c.Half) {
		ci = "±" + h.Format(c.Half)
		if c.Paired {
			ci += " paired"
		} else {
			ci += " Welch"
		}
	}
	return old, new, change, ci
}

func signedPercent(p float64) string {
	a := math.Abs(p)
	s := strconv.FormatFloat(p, 'f', 0, 64)
	if a < 10 {
		s = strconv.FormatFloat(p, 'f', 1, 64)
	}
	if p > 0 {
		s = "+" + s
	}
	return s
}

// header says what was compared.
func (d *Diff) header() string {
	side := func(b *Batch) string {
		reps := "1 replication"
		if b.Replications != 1 {
			reps = fmt.Sprintf("%d replications", b.Replications)
		}
		return fmt.Sprintf("%s (%s, %s)", b.Scenario, seedText(b.Seed, b.NoSeed), reps)
	}
	return fmt.Sprintf("%s -> %s, band %s%%", side(d.Old), side(d.New), strconv.FormatFloat(100*d.Band, 'g', -1, 64))
}

// tally counts the changes: regressions, improvements, not flagged.
func (d *Diff) tally() string {
	total := len(d.Margins)
	for _, r := range d.Rows {
		total += len(r.Changes)
	}
	reg, imp := d.Regressions(), d.Improvements()
	return fmt.Sprintf("%d %s, %d %s, %d not flagged (within noise or band)",
		reg, plural(reg, "regression", "regressions"), imp, plural(imp, "improvement", "improvements"), total-reg-imp)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// table returns the rows of the comparison as cells, the header first;
// flaggedOnly keeps only flagged changes.
func (d *Diff) table(flaggedOnly bool) [][]string {
	var head []string
	for _, ax := range d.New.Axes {
		head = append(head, ax.Path)
	}
	head = append(head, "variant", "metric", "old", "new", "change", "95% CI", "")
	out := [][]string{head}
	for _, r := range d.Rows {
		for i := range r.Changes {
			c := &r.Changes[i]
			if flaggedOnly && !c.Flagged() {
				continue
			}
			var row []string
			for k := range d.New.Axes {
				if k < len(r.Point) {
					row = append(row, r.Point[k].Text)
				} else {
					row = append(row, "")
				}
			}
			o, n, ch, ci := c.cells()
			row = append(row, r.Variant, c.Metric.Label, o, n, ch, ci, c.verdict())
			out = append(out, row)
		}
	}
	return out
}

// WriteText writes the comparison as an aligned table laid out to width
// (0: no limit), every headline of every row with its verdict, then the
// notes and the tally. A table too wide leaves out, in this order, the
// old value (new and change say it), the interval and the new value;
// the verdict stays.
func (d *Diff) WriteText(w io.Writer, width int) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(FitProse(d.header(), width) + "\n\n")
	cells := d.table(false)
	nAxes := len(d.New.Axes)
	// Numbers right-aligned: the sweep values, old, new, change.
	right := make([]bool, len(cells[0]))
	for j := range right {
		right[j] = j < nAxes || (j >= nAxes+2 && j <= nAxes+4)
	}
	text, omitted, cut := TextTable{Cells: cells, Right: right, Optional: []int{nAxes + 2, nAxes + 5, nAxes + 3}}.Layout(width)
	bw.WriteString(text)
	bw.WriteString(OmittedNote(omitted, cut, width))
	d.writeMarginText(bw, width)
	d.writeNotes(bw, "", width)
	bw.WriteString("\n" + FitProse(d.tally(), width) + "\n")
	return bw.Flush()
}

func (d *Diff) writeNotes(bw *bufio.Writer, bullet string, width int) {
	var lines []string
	for _, s := range d.OnlyOld {
		lines = append(lines, "only in the old result: "+s)
	}
	for _, s := range d.OnlyNew {
		lines = append(lines, "only in the new result: "+s)
	}
	lines = append(lines, d.Notes...)
	if len(lines) == 0 {
		return
	}
	bw.WriteByte('\n')
	for _, l := range lines {
		bw.WriteString(FitProse(bullet+l, width) + "\n")
	}
}

// WriteMarkdown writes the comparison for a pull-request comment: the
// tally, the flagged changes in a table (regressions in bold), every
// comparison in a collapsed table, and the notes.
func (d *Diff) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	reg := d.Regressions()
	title := "no regression"
	if reg > 0 {
		title = fmt.Sprintf("%d %s", reg, plural(reg, "regression", "regressions"))
	}
	fmt.Fprintf(bw, "### stampede diff: %s: %s\n\n", mdCell(d.New.Scenario), title)
	fmt.Fprintf(bw, "%s. A change is flagged when its 95%% interval excludes 0 (beyond the noise) and it exceeds the band.\n\n", mdCell(d.header()))
	bw.WriteString(d.tally() + ".\n")
	if flagged := d.table(true); len(flagged) > 1 {
		bw.WriteString("\n")
		writeMD(bw, flagged, len(d.New.Axes), true)
	}
	all := d.table(false)
	fmt.Fprintf(bw, "\n<details><summary>All %d comparisons</summary>\n\n", len(all)-1)
	writeMD(bw, all, len(d.New.Axes), false)
	bw.WriteString("\n</details>\n")
	d.writeMarginMarkdown(bw)
	d.writeNotes(bw, "- ", 0)
	return bw.Flush()
}

// writeMD writes cells as a Markdown table; bold marks regressions.
func writeMD(bw *bufio.Writer, cells [][]string, nAxes int, bold bool) {
	for i, row := range cells {
		esc := make([]string, len(row))
		for j, c := range row {
			esc[j] = mdCell(c)
			if bold && i > 0 && row[len(row)-1] == "REGRESSION" && c != "" {
				esc[j] = "**" + esc[j] + "**"
			}
		}
		bw.WriteString("| " + strings.Join(esc, " | ") + " |\n")
		if i == 0 {
			seps := make([]string, len(row))
			for j := range row {
				seps[j] = "---"
				if j < nAxes || (j >= nAxes+2 && j <= nAxes+4) {
					seps[j] = "---:"
				}
			}
			bw.WriteString("| " + strings.Join(seps, " | ") + " |\n")
		}
	}
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`).Replace(s)
}
