package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

type diffCmd struct {
	Old      string `arg:"" name:"old" help:"The baseline: a summary.json (stampede run --json or --out) or an --out directory."`
	New      string `arg:"" name:"new" help:"The result to judge against it, likewise."`
	Band     string `default:"5%" help:"Smallest relative change flagged, as a percentage (5%) or a fraction (0.05); a change must also be beyond the noise." placeholder:"PCT"`
	Markdown bool   `help:"Write Markdown for a pull-request comment instead of the table."`
	Width    *int   `help:"Lay the table out in N columns, leaving out the least important columns (0: no limit; default: the terminal's width, else $COLUMNS, else no limit)." placeholder:"N"`
}

func (c *diffCmd) Run(e *env) error {
	band, err := parseBand(c.Band)
	if err != nil {
		return badInput(err)
	}
	old, err := loadResults(c.Old)
	if err != nil {
		return badInput(err)
	}
	cur, err := loadResults(c.New)
	if err != nil {
		return badInput(err)
	}
	diffs, err := pairResults(old, cur, c.Old, c.New, band)
	if err != nil {
		return badInput(err)
	}
	width := 0
	if !c.Markdown {
		if width, err = tableWidth(e.stdout, c.Width); err != nil {
			return badInput(err)
		}
	}
	return writeDiffs(e.stdout, diffs, c.Markdown, width)
}

// writeDiffs writes the comparisons, tables laid out to width (0: no
// limit), and returns exit 1 on a flagged regression.
func writeDiffs(w io.Writer, diffs []*results.Diff, markdown bool, width int) error {
	reg := 0
	for i, d := range diffs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		var err error
		if markdown {
			err = d.WriteMarkdown(w)
		} else {
			err = d.WriteText(w, width)
		}
		if err != nil {
			return err
		}
		reg += d.Regressions()
	}
	if reg > 0 {
		return &exitError{code: exitRegression, err: fmt.Errorf("%d %s beyond the noise and the band", reg, map[bool]string{true: "regression", false: "regressions"}[reg == 1])}
	}
	return nil
}

// parseBand reads --band: "5%" or "0.05", in [0, 10] as a fraction.
func parseBand(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	x, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
	if err == nil && pct {
		x /= 100
	}
	if err != nil || math.IsNaN(x) || x < 0 || x > maxBand {
		return 0, fmt.Errorf("--band %q: want a relative change such as 5%% or 0.05, from 0 to %g%%", s, 100*maxBand)
	}
	return x, nil
}

// maxBand is the largest --band, as a fraction: a band of 1000% flags
// only changes of more than tenfold.
const maxBand = 10.0

// namedBatch is one scenario's result: its name as the directory gave it
// (a subdirectory of an --out set of several scenarios), or "" for a
// single result.
type namedBatch struct {
	name  string
	path  string
	batch *results.Batch
}

// maxSummaryBytes is the largest summary.json read (a sweep of 10000
// points with every series is under this).
const maxSummaryBytes = 1 << 30

// loadResults reads a result: a summary.json file, an --out directory
// holding one, or an --out directory of several scenarios (one
// subdirectory each).
func loadResults(path string) ([]namedBatch, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return readSummary(path)
	}
	if f := filepath.Join(path, "summary.json"); fileExists(f) {
		return readSummary(f)
	}
	found, _ := filepath.Glob(filepath.Join(path, "*", "summary.json"))
	if len(found) == 0 {
		return nil, fmt.Errorf("%s holds no summary.json, nor subdirectories with one: give a summary.json or a directory written by stampede run --out", path)
	}
	sort.Strings(found)
	var out []namedBatch
	for _, f := range found {
		bs, err := readSummary(f)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			b.name = filepath.Base(filepath.Dir(f))
			out = append(out, b)
		}
	}
	return out, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// readSummary reads and decodes one summary.json, or the --json of
// several scenarios ({"schema_version", "scenarios": [summary, ...]}),
// named by scenario.
func readSummary(path string) ([]namedBatch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSummaryBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSummaryBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB, the most a summary is read up to", path, maxSummaryBytes>>20)
	}
	var list struct {
		Scenarios []json.RawMessage `json:"scenarios"`
	}
	docs := [][]byte{data}
	if json.Unmarshal(data, &list) == nil && len(list.Scenarios) > 0 {
		docs = docs[:0]
		for _, d := range list.Scenarios {
			docs = append(docs, d)
		}
	}
	var out []namedBatch
	for _, d := range docs {
		b, err := results.DecodeBatch(d)
		if err != nil {
			return nil, fmt.Errorf("%s: not a stampede summary (the summary.json of stampede run --out, or its --json): %w", path, err)
		}
		if b.Scenario == "" || len(b.Rows) == 0 {
			return nil, fmt.Errorf("%s: not a stampede summary: no scenario or no variants (want the summary.json of stampede run --out, or its --json)", path)
		}
		nb := namedBatch{path: path, batch: b}
		if len(docs) > 1 {
			nb.name = b.Scenario
		}
		out = append(out, nb)
	}
	return out, nil
}

// pairResults compares old and new: one result each, or the same
// scenarios by name.
func pairResults(old, cur []namedBatch, oldPath, newPath string, band float64) ([]*results.Diff, error) {
	opts := results.DiffOptions{Band: band}
	if len(old) == 1 && len(cur) == 1 && old[0].name == "" && cur[0].name == "" {
		return []*results.Diff{results.Compare(old[0].batch, cur[0].batch, opts)}, nil
	}
	byName := map[string]*results.Batch{}
	var names []string
	for _, o := range old {
		byName[o.batch.Scenario] = o.batch
		names = append(names, o.batch.Scenario)
	}
	var out []*results.Diff
	for _, n := range cur {
		o, ok := byName[n.batch.Scenario]
		if !ok {
			return nil, fmt.Errorf("%s: scenario %s is not in %s (it has %s)", n.path, n.batch.Scenario, oldPath, strings.Join(names, ", "))
		}
		out = append(out, results.Compare(o, n.batch, opts))
	}
	if len(out) == 0 {
		return nil, errors.New(newPath + ": no results")
	}
	return out, nil
}

// baseline is what run --baseline compares with.
type baseline struct {
	path    string
	band    float64
	results []namedBatch
}

// loadBaseline reads --baseline and --band, before anything runs; nil
// without --baseline.
func (c *runCmd) loadBaseline() (*baseline, error) {
	if c.Baseline == "" {
		if c.Band != "5%" {
			return nil, errors.New("--band sets what --baseline flags: give --baseline FILE too")
		}
		return nil, nil
	}
	if c.Shard != "" {
		return nil, errors.New("--baseline compares a whole result: run without --shard, or merge the shards and use stampede diff")
	}
	band, err := parseBand(c.Band)
	if err != nil {
		return nil, err
	}
	rs, err := loadResults(c.Baseline)
	if err != nil {
		return nil, fmt.Errorf("--baseline: %w", err)
	}
	return &baseline{path: c.Baseline, band: band, results: rs}, nil
}

// compare compares a scenario's result with its baseline: the one
// result, or (several scenarios, or a baseline of several) the one of the
// same scenario.
func (b *baseline) compare(res *scenarios.Result, several bool) (*results.Diff, error) {
	cur, err := res.Batch()
	if err != nil {
		return nil, err
	}
	opts := results.DiffOptions{Band: b.band}
	if len(b.results) == 1 && !several {
		return results.Compare(b.results[0].batch, cur, opts), nil
	}
	var names []string
	for _, o := range b.results {
		if o.batch.Scenario == res.Scenario {
			return results.Compare(o.batch, cur, opts), nil
		}
		names = append(names, o.batch.Scenario)
	}
	return nil, fmt.Errorf("--baseline %s has no result of scenario %s (it has %s)", b.path, res.Scenario, strings.Join(names, ", "))
}
