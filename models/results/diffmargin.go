package results

import (
	"bufio"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MarginChange is the margin of one variant at one trigger duration, old
// against new (both results searched the [margin] table). The boundary
// lies in a bracket on each side, [Survived, Tipped]: the change is
// beyond the search's resolution only when the brackets do not overlap,
// which is what flags it (there is no interval across replications to
// judge it by); and beyond the band when the brackets' middles differ by
// more than it.
type MarginChange struct {
	Variant  string
	SizePath string
	Duration string
	Old, New MarginPoint
	// Rel is the relative change of the brackets' middles.
	Rel float64
	// Apart: the brackets do not overlap. BeyondBand: |Rel| > the band.
	Apart, BeyondBand bool
}

// Flagged says the margin moved beyond the brackets and the band.
func (c *MarginChange) Flagged() bool { return c.Apart && c.BeyondBand }

// Regression says the margin shrank: flagged, and the new bracket below
// the old.
func (c *MarginChange) Regression() bool { return c.Flagged() && c.New.Tipped <= c.Old.Survived }

func (c *MarginChange) verdict() string {
	switch {
	case c.Regression():
		return "REGRESSION"
	case c.Flagged():
		return "improvement"
	case c.Old.Survived == c.New.Survived && c.Old.Tipped == c.New.Tipped:
		return "same"
	case !c.Apart:
		return "within the brackets"
	}
	return "within band"
}

// compareMargins matches the new result's margins with the old's by
// variant, size path and duration.
func (d *Diff) compareMargins() {
	for _, nm := range d.New.Margins {
		for _, om := range d.Old.Margins {
			if om.Variant != nm.Variant || om.SizePath != nm.SizePath {
				continue
			}
			for _, np := range nm.Points {
				for _, op := range om.Points {
					if op.Duration != np.Duration {
						continue
					}
					c := MarginChange{Variant: nm.Variant, SizePath: nm.SizePath, Duration: np.Duration, Old: op, New: np}
					mo, mn := (op.Survived+op.Tipped)/2, (np.Survived+np.Tipped)/2
					c.Rel = (mn - mo) / math.Abs(mo)
					c.Apart = np.Tipped <= op.Survived || np.Survived >= op.Tipped
					c.BeyondBand = mo == 0 && mn != 0 || math.Abs(c.Rel) > d.Band
					d.Margins = append(d.Margins, c)
				}
			}
		}
	}
}

// marginTable returns the margins' comparison as cells, the header first.
func (d *Diff) marginTable() [][]string {
	out := [][]string{{"variant", "duration", "old bracket", "new bracket", "change", ""}}
	br := func(p MarginPoint) string { return num4(p.Survived) + " to " + num4(p.Tipped) }
	for i := range d.Margins {
		c := &d.Margins[i]
		dur := c.Duration
		if dur == "" {
			dur = "(file's)"
		}
		ch := "-"
		if !math.IsNaN(c.Rel) && !math.IsInf(c.Rel, 0) {
			ch = signedPercent(100*c.Rel) + "%"
		}
		out = append(out, []string{c.Variant, dur, br(c.Old), br(c.New), ch, c.verdict()})
	}
	return out
}

func num4(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

// writeMarginText writes the margins' comparison under the metrics'.
func (d *Diff) writeMarginText(bw *bufio.Writer, width int) {
	if len(d.Margins) == 0 {
		return
	}
	bw.WriteString("\n" + FitProse(fmt.Sprintf("margin along %s (the largest size survived to the smallest that tipped; flagged when the brackets do not overlap and their middles differ beyond the band):",
		d.Margins[0].SizePath), width) + "\n\n")
	text, omitted, cut := TextTable{Cells: d.marginTable(), Right: []bool{false, true, true, true, true, false}, Optional: []int{2, 4}}.Layout(width)
	bw.WriteString(text)
	bw.WriteString(OmittedNote(omitted, cut, width))
}

// writeMarginMarkdown writes the margins' comparison for a pull request.
func (d *Diff) writeMarginMarkdown(bw *bufio.Writer) {
	if len(d.Margins) == 0 {
		return
	}
	fmt.Fprintf(bw, "\nMargin along `%s` (the largest size survived to the smallest that tipped; flagged when the brackets do not overlap and their middles differ beyond the band):\n\n", d.Margins[0].SizePath)
	cells := d.marginTable()
	for i, row := range cells {
		esc := make([]string, len(row))
		for j, c := range row {
			esc[j] = mdCell(c)
			if i > 0 && row[len(row)-1] == "REGRESSION" && c != "" {
				esc[j] = "**" + esc[j] + "**"
			}
		}
		fmt.Fprintf(bw, "| %s |\n", strings.Join(esc, " | "))
		if i == 0 {
			bw.WriteString("| --- | ---: | ---: | ---: | ---: | --- |\n")
		}
	}
}
