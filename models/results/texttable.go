package results

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
)

// TextTable is a table of text cells for a terminal: columns two spaces
// apart, numbers right-aligned, no borders. It is laid out by lipgloss's
// table package; a table wider than the width it is given leaves out its
// least important columns whole (never a cell cut or wrapped mid-word),
// in the order Optional names them, and says which it left out.
type TextTable struct {
	// Cells holds the header row, then the rows.
	Cells [][]string
	// Right marks the right-aligned columns.
	Right []bool
	// Optional lists the columns that may be left out when the table is
	// too wide, least important first. A column not listed always stays.
	Optional []int
	// Lists marks the columns whose cells are lists ("a 66%, b 8.7%"): in
	// its turn in Optional, such a column is first cut to each cell's
	// first item ("a 66%, …"), and left out only if that is not enough.
	Lists []bool
	// Bold sets the header in bold (for a terminal).
	Bold bool
	// Headless says Cells has no header row: every row is a body row
	// (and no column is named in omitted).
	Headless bool
	// WrapLast lets the last column's cells (prose, such as a title)
	// break at spaces onto more lines when the table is still too wide
	// once the optional columns are left out; a word longer than the
	// room left stays whole.
	WrapLast bool
	// Paint, when set, may colour a body cell (row counts from 0 after
	// the header; col is the column index in Cells).
	Paint func(row, col int, s string) string
}

// Layout lays the table out in at most width columns (0: no limit) and
// returns its lines, each ending in a newline with no trailing spaces,
// and the header names of the columns left out to fit, in table order,
// and of the list columns cut to their first item.
func (t TextTable) Layout(width int) (text string, omitted, cut []string) {
	if len(t.Cells) == 0 {
		return "", nil, nil
	}
	n := len(t.Cells[0])
	cells := t.Cells
	widths := make([]int, n)
	measure := func(j int) {
		widths[j] = 0
		for _, row := range cells {
			if j < len(row) {
				widths[j] = max(widths[j], lipgloss.Width(row[j]))
			}
		}
	}
	for j := range widths {
		measure(j)
	}
	keep := make([]bool, n)
	for j := range keep {
		keep[j] = true
	}
	total := func() int {
		w, cols := 0, 0
		for j := range widths {
			if keep[j] {
				w += widths[j]
				cols++
			}
		}
		return w + 2*max(cols-1, 0)
	}
	for _, j := range t.Optional {
		if width <= 0 || total() <= width {
			break
		}
		if j < 0 || j >= n {
			continue
		}
		if j < len(t.Lists) && t.Lists[j] {
			cells = firstItems(cells, j)
			measure(j)
			cut = append(cut, cells[0][j])
			if total() <= width {
				break
			}
			cut = cut[:len(cut)-1]
		}
		keep[j] = false
	}
	multiline := false // cells of more than one line, which lipgloss lays out only with Wrap
	if last := n - 1; t.WrapLast && width > 0 && keep[last] && total() > width {
		room := max(width-(total()-widths[last]), minWrap)
		wrapped := make([][]string, len(cells))
		for i, row := range cells {
			wrapped[i] = row
			if last < len(row) && (t.Headless || i > 0) && lipgloss.Width(row[last]) > room {
				wrapped[i] = append([]string(nil), row...)
				wrapped[i][last] = FitProse(row[last], room)
			}
		}
		cells = wrapped
		measure(last)
		multiline = true
	}
	var cols []int
	for j := range keep {
		if keep[j] {
			cols = append(cols, j)
		} else if !t.Headless {
			omitted = append(omitted, t.Cells[0][j])
		}
	}
	pick := func(row []string, paint func(col int, s string) string) []string {
		out := make([]string, len(cols))
		for k, j := range cols {
			if j < len(row) {
				out[k] = row[j]
				if paint != nil {
					out[k] = paint(j, out[k])
				}
			}
		}
		return out
	}
	var header func(int, string) string
	if t.Bold {
		header = func(_ int, s string) string { return "\x1b[1m" + s + "\x1b[0m" }
	}
	tb := table.New().Border(lipgloss.HiddenBorder()).
		BorderTop(false).BorderBottom(false).BorderLeft(false).BorderRight(false).
		BorderHeader(false).BorderColumn(false).Wrap(multiline)
	body := cells
	if !t.Headless {
		tb.Headers(pick(cells[0], header)...)
		body = cells[1:]
	}
	for i, row := range body {
		var paint func(int, string) string
		if t.Paint != nil {
			paint = func(col int, s string) string { return t.Paint(i, col, s) }
		}
		tb.Row(pick(row, paint)...)
	}
	tb.StyleFunc(func(_, k int) lipgloss.Style {
		s := lipgloss.NewStyle()
		if k < len(cols)-1 {
			s = s.PaddingRight(2)
		}
		if k < len(cols) && cols[k] < len(t.Right) && t.Right[cols[k]] {
			s = s.Align(lipgloss.Right)
		}
		return s
	})
	var b strings.Builder
	for _, line := range strings.Split(tb.String(), "\n") {
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String(), omitted, cut
}

// minWrap is the fewest columns a wrapped last column is given, however
// narrow the width: below it, lines are left longer than the width
// rather than broken into a word a line.
const minWrap = 16

// firstItems returns cells with column j's body cells cut to their first
// comma-separated item.
func firstItems(cells [][]string, j int) [][]string {
	out := make([][]string, len(cells))
	copy(out, cells)
	for i := 1; i < len(out); i++ {
		if j >= len(out[i]) {
			continue
		}
		if k := strings.Index(out[i][j], ", "); k >= 0 {
			row := append([]string(nil), out[i]...)
			row[j] = row[j][:k] + ", …"
			out[i] = row
		}
	}
	return out
}

// OmittedNote is the line under a table that left out or cut columns to
// fit: which, and how to see them whole.
func OmittedNote(omitted, cut []string, width int) string {
	if len(omitted)+len(cut) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("(to fit " + strconv.Itoa(width) + " columns: ")
	if len(omitted) > 0 {
		b.WriteString("left out " + strings.Join(omitted, ", "))
		if len(cut) > 0 {
			b.WriteString("; ")
		}
	}
	if len(cut) > 0 {
		b.WriteString(strings.Join(cut, ", ") + " cut to the first item")
	}
	b.WriteString(". A wider --width or terminal shows them.)")
	return FitProse(b.String(), width) + "\n"
}

// FitProse breaks a line of prose into lines of at most width columns
// (0: no limit) at spaces only: ansi.Wordwrap also breaks after hyphens,
// and scenario names, paths and flags are full of them. A word longer
// than width stays whole on its own line.
func FitProse(s string, width int) string {
	if width <= 0 || lipgloss.Width(s) <= width {
		return s
	}
	var b strings.Builder
	col := 0
	for i, word := range strings.Split(s, " ") {
		w := lipgloss.Width(word)
		switch {
		case i == 0:
		case col+1+w > width:
			b.WriteByte('\n')
			col = 0
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += w
	}
	return b.String()
}

// FitHanging breaks a line of prose as FitProse does, into lines of at
// most width columns (0: no limit) at spaces only, each line after the
// first starting with indent (counted in the width).
func FitHanging(s string, width int, indent string) string {
	if width <= 0 || lipgloss.Width(s) <= width {
		return s
	}
	iw := lipgloss.Width(indent)
	var b strings.Builder
	col := 0
	for i, word := range strings.Split(s, " ") {
		w := lipgloss.Width(word)
		switch {
		case i == 0:
		case col+1+w > width && col > iw:
			b.WriteString("\n" + indent)
			col = iw
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += w
	}
	return b.String()
}
