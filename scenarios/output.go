package scenarios

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
)

// WriteJSON writes the JSON summary of issue 5, a stable contract (fields
// are added, never renamed):
//
//	{"schema_version": 1, "scenario": ..., "title": ..., "seed": ...,
//	 "replications": ...,
//	 "sweep": [{"path": ..., "values": [...]}],      (only when sweeping)
//	 "variants": [{"name": ..., "point": {...},       (point only when sweeping)
//	   "calls", "attempts", "amplification", "succeeded", "failed": {...},
//	   "goodput", "throughput", "latency_s": {...}, "recovered", "recovery_s",
//	   "recovery": {...}, "services": {...}, ..., "faults": [...],
//	   "ci95": {...}, "per_replication": {...}, "vs_base": {...}}],
//	 "figures": [{"kind": ..., ...}],                 (declared, all variants run)
//	 "margins": [{"variant": ..., "points": [...]}],  (searched: the [margin] table)
//	 "claims": [...], "stopped": [...]}                (when there are any)
//
// With replications every number is the mean, and "ci95" holds the 95%
// confidence half-widths under the same keys; latency histograms are
// added together, and other lists (fault windows) are the first
// replication's. "per_replication" holds the headline metrics
// (results.Headlines) run by run, and "vs_base", on every variant but the
// base, their paired differences from the base (paired.go).
// docs/summary.schema.json is its JSON Schema.
func (r *Result) WriteJSON(w io.Writer) error {
	_, err := w.Write(append(r.tree().encode(nil, "  ", 0), '\n'))
	return err
}

// JSONList writes the summaries of several scenarios as one JSON document,
// {"schema_version": 1, "scenarios": [summary, ...]}, each summary as
// WriteJSON writes it. Summaries are written as they are added; Close
// ends the document (an empty list when nothing was added).
type JSONList struct {
	w   io.Writer
	n   int
	err error
}

// NewJSONList starts a document of summaries on w.
func NewJSONList(w io.Writer) *JSONList { return &JSONList{w: w} }

// Add writes r's summary as the next element of the list.
func (l *JSONList) Add(r *Result) error {
	b := []byte(",\n    ")
	if l.n == 0 {
		b = fmt.Appendf(nil, "{\n  \"schema_version\": %d,\n  \"scenarios\": [\n    ", results.SchemaVersion)
	}
	l.n++
	return l.write(r.tree().encode(b, "  ", 2))
}

// Close ends the document.
func (l *JSONList) Close() error {
	if l.n == 0 {
		return l.write(fmt.Appendf(nil, "{\n  \"schema_version\": %d,\n  \"scenarios\": []\n}\n", results.SchemaVersion))
	}
	return l.write([]byte("\n  ]\n}\n"))
}

func (l *JSONList) write(b []byte) error {
	if l.err == nil {
		_, l.err = l.w.Write(b)
	}
	return l.err
}

// seedJV is a seed as a JSON number, written exactly, even beyond 2^53.
func seedJV(seed uint64) *jv {
	return &jv{kind: jNum, n: float64(seed), s: strconv.FormatUint(seed, 10)}
}

func (r *Result) tree() *jv {
	o := jObject()
	o.set("schema_version", jNumber(results.SchemaVersion))
	o.set("scenario", jString(r.Scenario))
	o.set("title", jString(r.Title))
	o.set("seed", seedJV(r.Seed))
	o.set("replications", jNumber(float64(r.Replications)))
	if len(r.Axes) > 0 {
		sw := &jv{kind: jArr}
		for _, ax := range r.Axes {
			a := jObject()
			a.set("path", jString(ax.Path))
			vals := &jv{kind: jArr}
			for _, v := range ax.Values {
				vals.vals = append(vals.vals, valueJV(v))
			}
			a.set("values", vals)
			sw.vals = append(sw.vals, a)
		}
		o.set("sweep", sw)
	}
	vs := &jv{kind: jArr}
	for i := range r.Rows {
		vs.vals = append(vs.vals, r.Rows[i].summary)
	}
	o.set("variants", vs)
	if len(r.Figures) > 0 {
		fs := &jv{kind: jArr}
		for _, f := range r.Figures {
			fs.vals = append(fs.vals, figureJV(&f))
		}
		o.set("figures", fs)
	}
	if len(r.Margins) > 0 {
		o.set("margins", r.marginsJV())
	}
	if len(r.Claims) > 0 {
		cs := &jv{kind: jArr}
		for _, c := range r.Claims {
			x := jObject()
			x.set("variant", jString(c.Variant))
			if len(c.Point) > 0 {
				p := &jv{kind: jArr}
				for _, v := range c.Point {
					p.vals = append(p.vals, valueJV(v))
				}
				x.set("point", p)
			}
			x.set("metric", jString(c.Metric))
			x.set("want", jString(c.Want))
			x.set("got", jString(c.Got))
			x.set("ok", &jv{kind: jBool, b: c.OK})
			if c.Skipped {
				x.set("skipped", &jv{kind: jBool, b: true})
			}
			x.set("line", jNumber(float64(c.Pos.Line)))
			cs.vals = append(cs.vals, x)
		}
		o.set("claims", cs)
	}
	if len(r.Stopped) > 0 {
		st := &jv{kind: jArr}
		for _, s := range r.Stopped {
			st.vals = append(st.vals, jString(s))
		}
		o.set("stopped", st)
	}
	return o
}

// valueJV is a swept value as JSON: a number, a string (a duration as
// written), or a boolean.
func valueJV(v results.Value) *jv {
	switch v.Kind {
	case results.Number:
		return jNumber(v.Num)
	case results.Bool:
		return &jv{kind: jBool, b: v.Num != 0}
	}
	return jString(v.Text)
}

// WriteSeriesCSV writes the rows' series in long form, one line per row,
// entity, metric and interval:
//
//	variant,<swept paths...>,t_s,kind,name,metric,value
//	base,0,total,,goodput,99.5
//
// Rows come in result order, then entities and metrics in models' order,
// then time; an interval with no data has an empty value. Rows without
// series (Options.Series unset) write only the header.
func (r *Result) WriteSeriesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"variant"}
	for _, ax := range r.Axes {
		head = append(head, ax.Path)
	}
	cw.Write(append(head, "t_s", "kind", "name", "metric", "value"))
	for i := range r.Rows {
		row := &r.Rows[i]
		if row.Series == nil {
			continue
		}
		rec := []string{row.Variant}
		for _, v := range row.Point {
			rec = append(rec, v.Text)
		}
		n := len(rec)
		rec = append(rec, "", "", "", "", "")
		for _, c := range row.Series.Cols {
			rec[n+1], rec[n+2], rec[n+3] = c.Kind, c.Name, c.Metric
			for t, ts := range row.Series.T {
				rec[n], rec[n+4] = results.CSVFloat(ts), ""
				if t < len(c.Values) {
					rec[n+4] = results.CSVFloat(c.Values[t])
				}
				cw.Write(rec)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// TableOptions control WriteTable.
type TableOptions struct {
	// Color adds ANSI colours (for a terminal).
	Color bool
	// Width is the most columns a line may take (0: no limit): a table
	// wider leaves out its least important columns and says which, and a
	// table of more than 20 rows shows a summary of them unless All.
	Width int
	// All shows every row of a long table even with a Width.
	All bool
}

// ownSeeds names, after the scenario's seed, the variants that ran
// another (", variant zero seed 0"), or is empty. Along a sweep that sets
// seed it says only that some rows ran their own.
func (r *Result) ownSeeds() string {
	var parts []string
	seen := map[string]bool{}
	for i := range r.Rows {
		row := &r.Rows[i]
		if row.run.Seed == r.Seed || seen[row.Variant] {
			continue
		}
		seen[row.Variant] = true
		if len(r.Axes) > 0 {
			return ", some rows their own"
		}
		parts = append(parts, fmt.Sprintf("variant %s seed %d", row.Variant, row.run.Seed))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

// WriteTable writes an aligned table with one line per row: the sweep
// values, the variant, calls, attempts, amplification, goodput, p50 and
// p99 latency, the most frequent failure reasons and the recovery verdict.
func (r *Result) WriteTable(w io.Writer, opts TableOptions) error {
	bw := bufio.NewWriter(w)
	reps := "1 replication"
	if r.Replications != 1 {
		reps = fmt.Sprintf("%d replications (means; ± is the 95%% half-width)", r.Replications)
	}
	title := r.Scenario
	if r.Title != "" && r.Title != r.Scenario {
		title += ": " + r.Title
	}
	head := results.FitProse(fmt.Sprintf("%s  (seed %d%s, %s)", title, r.Seed, r.ownSeeds(), reps), opts.Width)
	if opts.Color {
		head = "\x1b[1m" + head + "\x1b[0m"
	}
	bw.WriteString(head + "\n\n")
	r, hidden := r.collapsed(opts)
	cells, right := r.cells()
	writeAligned(bw, cells, right, opts.Color, opts.Width, r.summaryOptional(), len(r.Axes)+7)
	bw.WriteString(hidden)
	if pc, pr := r.pairedCells(); pc != nil {
		bw.WriteString("\n" + results.FitProse(r.pairedNote(), opts.Width) + "\n\n")
		writeAligned(bw, pc, pr, false, opts.Width, trailing(pc, len(r.Axes)+2))
	}
	r.writeLayerTables(bw, opts.Color, opts.Width)
	r.writeSLOTable(bw, opts.Color, opts.Width)
	r.writeMarginTable(bw, opts.Width)
	for _, s := range r.Stopped {
		fmt.Fprintf(bw, "\nstopped: %s", s)
	}
	if len(r.Stopped) > 0 {
		bw.WriteByte('\n')
	}
	if len(r.Claims) > 0 {
		hold, fail, skip := 0, 0, 0
		for _, c := range r.Claims {
			switch {
			case c.Skipped:
				skip++
			case c.OK:
				hold++
			default:
				fail++
			}
		}
		msg := fmt.Sprintf("\nclaims: %d hold, %d fail", hold, fail)
		if skip > 0 {
			msg += fmt.Sprintf(", %d not checked", skip)
		}
		if fail > 0 {
			msg += " (stampede check shows why)"
		}
		bw.WriteString(msg + "\n")
	}
	return bw.Flush()
}

// cells returns the table's header and rows as text, and which columns
// are right-aligned.
func (r *Result) cells() ([][]string, []bool) {
	var header []string
	var right []bool
	for _, ax := range r.Axes {
		header = append(header, ax.Path)
		right = append(right, true)
	}
	header = append(header, "variant", "calls", "attempts", "ampl", "goodput/s", "p50", "p99", "failures")
	right = append(right, false, true, true, true, true, true, true, false)
	fallbacks := r.hasFallbacks()
	if fallbacks {
		// answered by the clients' fallbacks: degraded goodput, no failure
		header = append(header, "fallbacks")
		right = append(right, true)
	}
	header = append(header, "recovery")
	right = append(right, false)
	out := [][]string{header}
	for i := range r.Rows {
		row := &r.Rows[i]
		var cs []string
		for _, v := range row.Point {
			cs = append(cs, v.Text)
		}
		num := func(metric string, f func(float64) string) string {
			v, ok := row.Number(metric)
			if !ok {
				return "-"
			}
			s := f(v)
			if ci, ok := row.CI95(metric); ok {
				s += " ±" + f(ci)
			}
			return s
		}
		count := func(x float64) string { return strconv.FormatFloat(math.Round(x), 'f', -1, 64) }
		cs = append(cs, row.Variant,
			count(numOr(row, "calls")), count(numOr(row, "attempts")),
			num("amplification", func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }),
			num("goodput", func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }),
			num("latency_s.p50", results.FormatSeconds),
			num("latency_s.p99", results.FormatSeconds),
			topFailures(row))
		if fallbacks {
			cs = append(cs, fallbackShare(row))
		}
		cs = append(cs, verdict(row))
		out = append(out, cs)
	}
	return out, right
}

func numOr(r *Row, metric string) float64 {
	v, _ := r.Number(metric)
	return v
}

func fmtPercent(p float64) string {
	switch {
	case p >= 10:
		return strconv.FormatFloat(p, 'f', 0, 64)
	case p >= 0.1:
		return strconv.FormatFloat(p, 'f', 1, 64)
	}
	return strconv.FormatFloat(p, 'g', 1, 64)
}

// verdict describes the recovery verdict of a row; a row whose run a
// limit stopped is partial, and says so instead of a verdict.
func verdict(r *Row) string {
	if r.Stopped != "" {
		return "STOPPED (partial)"
	}
	v, _ := r.Value("recovery.verdict")
	s, _ := v.(string)
	switch s {
	case "recovered":
		out := "recovered"
		if t, ok := r.Number("recovery_s"); ok {
			out += " after " + results.FormatSeconds(t)
		}
		if f, ok := r.Number("recovered_fraction"); ok && f < 1 {
			out += fmt.Sprintf(" (%s%% of runs)", fmtPercent(100*f))
		}
		return out
	case "not_recovered":
		if f, ok := r.Number("recovered_fraction"); ok && f > 0 {
			return fmt.Sprintf("NOT RECOVERED in %s%% of runs", fmtPercent(100*(1-f)))
		}
		return "NOT RECOVERED"
	case "no_faults":
		return "no faults"
	case "":
		return "-"
	}
	return strings.ReplaceAll(s, "_", " ")
}

func colorVerdict(s string) string {
	switch {
	case strings.HasPrefix(s, "recovered"):
		return "\x1b[32m" + s + "\x1b[0m"
	case strings.HasPrefix(s, "NOT"), strings.HasPrefix(s, "collapsed"):
		return "\x1b[31m" + s + "\x1b[0m"
	case strings.HasPrefix(s, "undecided"), strings.HasPrefix(s, "no baseline"), strings.HasPrefix(s, "STOPPED"):
		return "\x1b[33m" + s + "\x1b[0m"
	}
	return s
}

// WriteReport writes a Markdown report: the scenario, its settings, the
// results table, the variants and the claims. It holds no timestamps or
// paths, so that reports of two runs diff cleanly.
func (r *Result) WriteReport(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n", mdEscape(r.Title))
	if about := strings.TrimSpace(r.About); about != "" {
		bw.WriteString(about + "\n\n")
	}
	fmt.Fprintf(bw, "- scenario: `%s`\n- seed: %d%s\n- replications: %d\n", r.Scenario, r.Seed, mdEscape(r.ownSeeds()), r.Replications)
	for _, ax := range r.Axes {
		var ls []string
		for _, v := range ax.Values {
			ls = append(ls, v.Text)
		}
		fmt.Fprintf(bw, "- sweep `%s`: %s\n", ax.Path, strings.Join(ls, ", "))
	}
	bw.WriteString("\n## Results\n\n")
	if r.Replications > 1 {
		bw.WriteString("Means over the replications; ± is the 95% confidence half-width.\n\n")
	}
	cells, right := r.cells()
	writeMarkdownTable(bw, cells, right)
	if pc, pr := r.pairedCells(); pc != nil {
		bw.WriteString("\n## Paired differences from base\n\n" + r.pairedNote() + "\n\n")
		writeMarkdownTable(bw, pc, pr)
	}
	r.writeLayerReport(bw)
	r.writeSLOReport(bw)
	r.writeMarginReport(bw)
	bw.WriteString("\n## Variants\n\n")
	for _, v := range r.Variants {
		about := strings.Join(strings.Fields(v.About), " ")
		if about == "" {
			about = "-"
		}
		fmt.Fprintf(bw, "- **%s**: %s\n", mdEscape(v.Name), mdEscape(about))
	}
	if len(r.Claims) > 0 {
		bw.WriteString("\n## Claims\n\n| | variant | point | metric | want | got |\n| --- | --- | --- | --- | --- | --- |\n")
		for _, c := range r.Claims {
			mark := "fails"
			switch {
			case c.Skipped:
				mark = "not checked"
			case c.OK:
				mark = "holds"
			}
			var pt []string
			for _, v := range c.Point {
				pt = append(pt, v.Text)
			}
			fmt.Fprintf(bw, "| %s | %s | %s | `%s` | %s | %s |\n", mark, mdEscape(c.Variant), mdEscape(strings.Join(pt, ", ")),
				c.Metric, mdEscape(c.Want), mdEscape(c.Got))
		}
	}
	if len(r.Stopped) > 0 {
		bw.WriteString("\n## Runs stopped by a limit\n\n")
		for _, s := range r.Stopped {
			bw.WriteString("- " + mdEscape(s) + "\n")
		}
	}
	return bw.Flush()
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteClaims writes a readable account of the claims that fail (all of
// them with verbose), one block per claim:
//
//	FAIL retry-storm.toml:41:1  naive retries never recover
//	  variant  naive
//	  metric   recovered
//	  want     = false
//	  got      true
func (r *Result) WriteClaims(w io.Writer, verbose bool) error {
	bw := bufio.NewWriter(w)
	for _, c := range r.Claims {
		status := "FAIL"
		switch {
		case c.Skipped:
			status = "SKIP"
		case c.OK:
			status = "ok"
		}
		if status == "ok" && !verbose {
			continue
		}
		loc := c.File
		if c.Pos.Line > 0 {
			loc += fmt.Sprintf(":%d:%d", c.Pos.Line, c.Pos.Col)
		}
		fmt.Fprintf(bw, "%-4s %s", status, loc)
		if about := strings.Join(strings.Fields(c.About), " "); about != "" {
			fmt.Fprintf(bw, "  %s", about)
		}
		bw.WriteByte('\n')
		if status == "ok" {
			continue
		}
		fmt.Fprintf(bw, "  variant  %s\n", c.Variant)
		for j, v := range c.Point {
			fmt.Fprintf(bw, "  %-8s %s = %s\n", []string{"at", "and"}[min(j, 1)], r.Axes[j].Path, v.Text)
		}
		fmt.Fprintf(bw, "  metric   %s\n  want     %s\n  got      %s\n", c.Metric, c.Want, c.Got)
	}
	return bw.Flush()
}

// figureJV is a declared figure as the JSON summary carries it: its keys
// as in the scenario file, those left out omitted.
func figureJV(f *Figure) *jv {
	t := newTree()
	for _, kv := range [][2]string{{"name", f.Name}, {"kind", f.Kind}, {"title", f.Title}, {"subtitle", f.Subtitle},
		{"client", f.Client}, {"service", f.Service}, {"edge", f.Edge}, {"metric", f.Metric}, {"y_label", f.YLabel},
		{"x_metric", f.XMetric}, {"x_label", f.XLabel}} {
		if kv[1] != "" {
			t.str(kv[0], kv[1])
		}
	}
	if len(f.Variants) > 0 {
		vs := &jv{kind: jArr}
		for _, v := range f.Variants {
			vs.vals = append(vs.vals, jString(v))
		}
		t.obj("variants", vs)
	}
	return t.o
}
