package scenarios

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
)

// The per-layer tables under the results table: how each call edge of a
// multi-tier world multiplies the calls made on it (attempts per call),
// and how much of each service's busy time went to work nobody used.
// They are what the JSON summary's edges.*.amplification and
// services.*.wasted_share say, shown where they matter: the first when
// services call services (or caches their backends), the second when some
// work was wasted.

// writeLayerTables writes the per-layer tables after the results table,
// for a run without a sweep: a sweep's table is long already, and
// report.md (writeLayerReport) has its layers.
func (r *Result) writeLayerTables(bw *bufio.Writer, color bool, width int) {
	if len(r.Axes) > 0 {
		return
	}
	for _, t := range r.layerTables() {
		bw.WriteString("\n" + results.FitProse(t.title, width) + "\n")
		writeAligned(bw, t.cells, t.right, color, width, trailing(t.cells, len(r.Axes)+1))
	}
}

// writeLayerReport writes the per-layer tables of the Markdown report.
func (r *Result) writeLayerReport(bw *bufio.Writer) {
	tables := r.layerTables()
	if len(tables) == 0 {
		return
	}
	bw.WriteString("\n## Layers\n")
	for _, t := range tables {
		bw.WriteString("\n" + t.title + ".\n\n")
		writeMarkdownTable(bw, t.cells, t.right)
	}
}

type layerTable struct {
	title string
	cells [][]string
	right []bool
}

func (r *Result) layerTables() []layerTable {
	var out []layerTable
	if edges := r.layerEdges(); len(edges) > 0 {
		out = append(out, r.layerTable("amplification per call edge (attempts per call)", edges, func(row *Row, e string) string {
			v, ok := row.Number("edges." + e + ".amplification")
			if !ok {
				return "-"
			}
			return strconv.FormatFloat(v, 'f', 2, 64)
		}))
	}
	if svcs := r.wastingServices(); len(svcs) > 0 {
		out = append(out, r.layerTable("wasted work (share of each service's busy time spent on answers nobody used)", svcs, func(row *Row, s string) string {
			v, ok := row.Number("services." + s + ".wasted_share")
			if !ok {
				return "-"
			}
			return fmtPercent(100*v) + "%"
		}))
	}
	if r.priced() {
		cols := []string{"total", "per_success", "replicas", "requests", "retries", "fallbacks", "wasted_share", "retry_share"} // costKeys, per_success second
		t := r.layerTable("cost at the scenario's prices (total, per successful call, its parts, and the shares spent on wasted work and on retries)", cols, func(row *Row, c string) string {
			v, ok := row.Number("cost." + c)
			switch {
			case !ok:
				return "-"
			case strings.HasSuffix(c, "_share"):
				return fmtPercent(100*v) + "%"
			}
			return fmtPrice(v)
		})
		for i, h := range t.cells[0] {
			t.cells[0][i] = strings.ReplaceAll(h, "_", " ")
		}
		out = append(out, t)
	}
	return out
}

// priced reports whether the rows carry a cost block.
func (r *Result) priced() bool {
	for i := range r.Rows {
		if r.Rows[i].summary.get("cost") != nil {
			return true
		}
	}
	return false
}

// fmtPrice writes a price with four significant digits, at most.
func fmtPrice(x float64) string {
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// layerTable lays out one per-layer table: the sweep point and variant,
// then a column per name.
func (r *Result) layerTable(title string, names []string, cell func(*Row, string) string) layerTable {
	t := layerTable{title: title}
	var header []string
	for _, ax := range r.Axes {
		header = append(header, ax.Path)
		t.right = append(t.right, true)
	}
	header = append(header, "variant")
	t.right = append(t.right, false)
	for _, n := range names {
		header = append(header, n)
		t.right = append(t.right, true)
	}
	t.cells = append(t.cells, header)
	for i := range r.Rows {
		row := &r.Rows[i]
		var cs []string
		for _, v := range row.Point {
			cs = append(cs, v.Text)
		}
		cs = append(cs, row.Variant)
		for _, n := range names {
			cs = append(cs, cell(row, n))
		}
		t.cells = append(t.cells, cs)
	}
	return t
}

// layerEdges lists the call edges of the first row ("web->api"), top
// tier first: an edge's depth is the number of edges above its caller.
// Nil for a world with no edges (clients calling services and nothing
// more).
func (r *Result) layerEdges() []string {
	if len(r.Rows) == 0 {
		return nil
	}
	edges := r.Rows[0].summary.get("edges")
	if edges == nil || edges.kind != jObj || len(edges.keys) == 0 {
		return nil
	}
	type edge struct{ name, from, to string }
	var es []edge
	called := map[string]bool{}
	for _, k := range edges.keys {
		from, to, ok := strings.Cut(k, "->")
		if !ok {
			continue
		}
		es = append(es, edge{k, from, to})
		called[to] = true
	}
	depth := map[string]int{}
	var depthOf func(node string, seen int) int
	depthOf = func(node string, seen int) int {
		if d, ok := depth[node]; ok {
			return d
		}
		d := 0
		if seen < len(es) { // the call graph has no cycle; bound it anyway
			for _, e := range es {
				if e.to == node {
					d = max(d, depthOf(e.from, seen+1)+1)
				}
			}
		}
		depth[node] = d
		return d
	}
	sort.SliceStable(es, func(i, j int) bool {
		di, dj := depthOf(es[i].from, 0), depthOf(es[j].from, 0)
		if di != dj {
			return di < dj
		}
		return es[i].name < es[j].name
	})
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.name
	}
	return out
}

// minWastedShare is the share of its busy time a service must waste in
// some row for the wasted-work table to show it: below 1%, it does not
// matter.
const minWastedShare = 0.01

// wastingServices lists the services that wasted at least minWastedShare
// of their busy time in some row, in the summary's order; nil when none
// did.
func (r *Result) wastingServices() []string {
	var out []string
	seen := map[string]bool{}
	for i := range r.Rows {
		svcs := r.Rows[i].summary.get("services")
		if svcs == nil || svcs.kind != jObj {
			continue
		}
		for _, name := range svcs.keys {
			if seen[name] {
				continue
			}
			if v, ok := r.Rows[i].Number("services." + name + ".wasted_share"); ok && v >= minWastedShare {
				seen[name] = true
			}
		}
	}
	if len(seen) == 0 {
		return nil
	}
	svcs := r.Rows[0].summary.get("services")
	for _, name := range svcs.keys {
		if seen[name] {
			out = append(out, name)
		}
	}
	return out
}

// hasFallbacks reports whether a row's clients answered calls with their
// fallbacks, which the results table then shows in a column of their own.
func (r *Result) hasFallbacks() bool {
	for i := range r.Rows {
		if v, ok := r.Rows[i].Number("failed.fallback"); ok && v > 0 {
			return true
		}
	}
	return false
}

// fallbackShare is the share of a row's calls its clients' fallbacks
// answered: "-" for none.
func fallbackShare(r *Row) string {
	n, _ := r.Number("failed.fallback")
	calls := numOr(r, "calls")
	if n <= 0 || calls <= 0 {
		return "-"
	}
	return fmtPercent(100*n/calls) + "%"
}

// topFailures lists the two most frequent failure reasons with their share
// of calls.
func topFailures(r *Row) string {
	f := r.summary.get("failed")
	calls := numOr(r, "calls")
	if f == nil || f.kind != jObj || len(f.keys) == 0 {
		return "-"
	}
	type kv struct {
		k string
		n float64
	}
	var xs []kv
	for i, k := range f.keys {
		v := f.vals[i]
		if v.kind != jNum || v.n <= 0 || results.IsFallback(k) {
			continue // a fallback answer is no failure: the fallbacks column
		}
		n := v.n
		if k == "error" {
			// an error from below is named by its root: "error (db: outage)"
			forCauses(r.summary.get("error_causes"), func(to, reason string, c float64) {
				xs = append(xs, kv{fmt.Sprintf("error (%s: %s)", to, reason), c})
				n -= c
			})
		}
		if n > 1e-9 {
			xs = append(xs, kv{k, n})
		}
	}
	if len(xs) == 0 {
		return "-"
	}
	sort.SliceStable(xs, func(i, j int) bool { return xs[i].n > xs[j].n })
	var parts []string
	for i, x := range xs {
		if i == 2 {
			parts = append(parts, fmt.Sprintf("+%d more", len(xs)-2))
			break
		}
		if calls > 0 {
			parts = append(parts, fmt.Sprintf("%s %s%%", x.k, fmtPercent(100*x.n/calls)))
		} else {
			parts = append(parts, fmt.Sprintf("%s %.0f", x.k, x.n))
		}
	}
	return strings.Join(parts, ", ")
}

// forCauses calls f for each positive count of an error_causes object:
// the service or cache whose call failed, the reason, the count.
func forCauses(causes *jv, f func(to, reason string, n float64)) {
	if causes == nil || causes.kind != jObj {
		return
	}
	for i, to := range causes.keys {
		rs := causes.vals[i]
		if rs.kind != jObj {
			continue
		}
		for j, reason := range rs.keys {
			if v := rs.vals[j]; v.kind == jNum && v.n > 0 {
				f(to, reason, v.n)
			}
		}
	}
}
