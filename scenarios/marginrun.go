package scenarios

import (
	"bufio"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/stampede-sim/stampede/models/results"
)

// searchMargins searches the margin the [margin] table declares for
// each variant it names that ran (with the batch's seed and overrides)
// and checks the margin claims against them: what Options.Margin asks of
// Run, so that `stampede run` and `stampede check` give the scenario's
// every claim, and its summary the margins they are about.
func (r *Result) searchMargins(s *Scenario, opts Options) error {
	ran := make([]string, 0, len(r.Variants))
	for _, v := range r.Variants {
		ran = append(ran, v.Name)
	}
	for _, v := range s.MarginVariants() {
		if !slices.Contains(ran, v) {
			continue
		}
		mo := s.MarginOptions(v)
		mo.Set, mo.Seed, mo.Parallel, mo.Now = opts.Set, opts.Seed, opts.Parallel, opts.Now
		m, err := SearchMargin(s, mo)
		if err != nil {
			return err
		}
		r.Margins = append(r.Margins, m)
	}
	r.Claims = append(r.Claims, MarginClaims(s, r.Margins)...)
	return nil
}

// marginsJV is the summary's "margins": each results.Margin as its own
// JSON encoding writes it.
func (r *Result) marginsJV() *jv {
	b, err := json.Marshal(r.Margins)
	v := &jv{}
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil { // plain data with finite numbers: a bug
		panic(fmt.Sprintf("margins as JSON: %v", err))
	}
	return v
}

// marginCells are the margins as a table: per variant and duration, the
// largest size survived and the smallest that tipped, how many runs
// recovered at each, and the runs the search made there.
func (r *Result) marginCells() ([][]string, []bool) {
	cells := [][]string{{"variant", "duration", "survived", "tipped", "recovered there", "runs"}}
	for _, m := range r.Margins {
		for _, p := range m.Points {
			d := p.Duration
			if d == "" {
				d = "(file's)"
			}
			cells = append(cells, []string{m.Variant, d, fmtSize(p.Survived), fmtSize(p.Tipped),
				fmt.Sprintf("%d/%d and %d/%d", p.SurvivedRecovered, p.SurvivedRuns, p.TippedRecovered, p.TippedRuns),
				strconv.Itoa(p.Runs)})
		}
	}
	return cells, []bool{false, true, true, true, true, true}
}

// marginNote says what the margin table is: the axis, its bounds, the
// runs per probe, and the runs the search made against a grid's.
func (r *Result) marginNote() string {
	m := r.Margins[0]
	runs, grid := 0, 0
	for _, m := range r.Margins {
		runs += m.Runs
		grid += m.GridRuns
	}
	return fmt.Sprintf("margin: the largest %s each variant recovered from, and the smallest that tipped it (bisection in [%s, %s], %d runs a probe; "+
		"stampede margin %s draws it and lists the probes); %d runs, against %d for grids at the same resolution",
		m.SizePath, fmtNum(m.From), fmtNum(m.To), m.Replications, r.Scenario, runs, grid)
}

// writeMarginTable writes the margins under the results table.
func (r *Result) writeMarginTable(bw *bufio.Writer, width int) {
	if len(r.Margins) == 0 {
		return
	}
	bw.WriteString("\n" + results.FitProse(r.marginNote(), width) + "\n\n")
	cells, right := r.marginCells()
	writeAligned(bw, cells, right, false, width, []int{5, 4})
}

// writeMarginReport writes the margins' section of report.md.
func (r *Result) writeMarginReport(bw *bufio.Writer) {
	if len(r.Margins) == 0 {
		return
	}
	bw.WriteString("\n## Margin\n\n" + mdEscape(r.marginNote()) + ".\n\n")
	cells, right := r.marginCells()
	writeMarkdownTable(bw, cells, right)
}

// fmtSize is a trigger's size in four significant digits, as stampede
// margin prints it (the JSON holds it exactly).
func fmtSize(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
