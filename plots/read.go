package plots

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

// maxResultsBytes bounds what ReadSet reads (an hour at 1 ms intervals of
// a big world is well under it).
const maxResultsBytes = 1 << 30

// ReadSet reads saved results as JSON, in one of three shapes:
//
//   - one run's results.Results (Results.WriteJSON): a single run named
//     name, with series, so every per-run figure can be drawn;
//   - a batch summary, {"scenario": ..., "title": ..., "variants":
//     [{"name": ..., <summary fields>}, ...]} (the summary.json of
//     `stampede run --out`): one run per variant with its summary only,
//     enough for the latency and comparison figures, and the fault
//     windows of each variant ("faults"). A variant that also holds
//     "series" and "t_s", or a whole "results" object, gets those too;
//   - the summary of a sweep (with "sweep" and a "point" per variant): the
//     sweep figure of goodput and, over two parameters, the stability
//     maps.
func ReadSet(r io.Reader, name string) (*Set, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxResultsBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxResultsBytes {
		return nil, fmt.Errorf("results larger than %d bytes", maxResultsBytes)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("not a results file (want a JSON object): %w", err)
	}
	if _, ok := top["sweep"]; ok {
		return readSweep(top)
	}
	if _, ok := top["variants"]; ok {
		return readBatch(top)
	}
	if _, ok := top["summary"]; ok {
		res, err := decodeResults(b)
		if err != nil {
			return nil, err
		}
		return &Set{Runs: []Run{{Name: name, Results: res}}}, nil
	}
	return nil, errors.New("not a results file: want the JSON of one run (with \"summary\" and \"series\") or of a batch (with \"variants\")")
}

func decodeResults(b []byte) (*results.Results, error) {
	var res results.Results
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	return &res, nil
}

func readBatch(top map[string]json.RawMessage) (*Set, error) {
	s := &Set{}
	for _, k := range []string{"title", "scenario"} {
		if raw, ok := top[k]; ok && s.Title == "" {
			_ = json.Unmarshal(raw, &s.Title)
		}
	}
	var variants []json.RawMessage
	if err := json.Unmarshal(top["variants"], &variants); err != nil {
		return nil, fmt.Errorf("variants: %w", err)
	}
	for i, raw := range variants {
		var head struct {
			Name    string          `json:"name"`
			Results json.RawMessage `json:"results"`
			Summary json.RawMessage `json:"summary"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("variants[%d]: %w", i, err)
		}
		var res *results.Results
		var err error
		switch {
		case len(head.Results) > 0:
			res, err = decodeResults(head.Results)
		case len(head.Summary) > 0:
			// A variant shaped like a run: {"name", "summary", "series", ...}.
			res, err = decodeResults(raw)
		default:
			// The summary's fields inline beside the name.
			res = &results.Results{}
			err = unmarshalSummary(raw, &res.Summary)
			if err == nil {
				var extra struct {
					T      results.Values        `json:"t_s"`
					Series *results.Series       `json:"series"`
					Faults []results.FaultWindow `json:"faults"`
				}
				if json.Unmarshal(raw, &extra) == nil {
					if extra.Series != nil {
						res.Series = *extra.Series
					}
					res.Faults = extra.Faults
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("variants[%d] (%s): %w", i, head.Name, err)
		}
		if head.Name == "" {
			head.Name = fmt.Sprintf("variant %d", i+1)
		}
		s.Runs = append(s.Runs, Run{Name: head.Name, Results: res})
	}
	if len(s.Runs) == 0 {
		return nil, errors.New("results hold no variants")
	}
	return s, nil
}

// readSweep reads the JSON summary of a sweep: a row per variant and
// point, drawn as the sweep figure (of goodput) and, over two parameters,
// the stability maps.
func readSweep(top map[string]json.RawMessage) (*Set, error) {
	s := &Set{}
	for _, k := range []string{"title", "scenario"} {
		if raw, ok := top[k]; ok && s.Title == "" {
			_ = json.Unmarshal(raw, &s.Title)
		}
	}
	var axes []scenarios.AxisResult
	var rawAxes []struct {
		Path   string `json:"path"`
		Values []any  `json:"values"`
	}
	if err := json.Unmarshal(top["sweep"], &rawAxes); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	for _, a := range rawAxes {
		axes = append(axes, scenarios.AxisResult{Path: a.Path, Values: a.Values})
	}
	if len(axes) == 0 {
		return nil, errors.New("sweep: no parameters")
	}
	var reps int
	if raw, ok := top["replications"]; ok {
		_ = json.Unmarshal(raw, &reps)
	}
	var variants []map[string]any
	if err := json.Unmarshal(top["variants"], &variants); err != nil {
		return nil, fmt.Errorf("variants: %w", err)
	}
	rows := make([]sweepRow, 0, len(variants))
	for i, v := range variants {
		name, _ := v["name"].(string)
		pt, _ := v["point"].(map[string]any)
		row := jsonRow{name: name, m: v}
		for _, a := range axes {
			x, ok := pt[a.Path]
			if !ok {
				return nil, fmt.Errorf("variants[%d] (%s): no value of %s in its point", i, name, a.Path)
			}
			row.pt = append(row.pt, x)
		}
		rows = append(rows, row)
	}
	if err := s.addSweep(axes, rows, DefaultSweepMetric, reps); err != nil {
		return nil, err
	}
	return s, nil
}

// AddSeriesCSV attaches the series in r (the series.csv that `stampede run
// --out` writes beside summary.json: variant,t_s,kind,name,metric,value in
// long form) to the runs of s with the same variant names, so that the
// time series can be drawn from saved files. A sweep's series (with point
// columns) are not drawn and are skipped. A run without fault windows
// whose verdict saw faults (a summary.json written before it held
// "faults") gets one spanning its recovery verdict's first fault to last
// fault end, labelled "faults".
func (s *Set) AddSeriesCSV(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("series.csv: %w", err)
	}
	want := []string{"variant", "t_s", "kind", "name", "metric", "value"}
	if len(head) != len(want) {
		if len(head) > len(want) && head[0] == "variant" {
			return nil // a sweep's series: one per point, not drawn over time
		}
		return fmt.Errorf("series.csv: header %v, want %v", head, want)
	}
	for i := range want {
		if head[i] != want[i] {
			return fmt.Errorf("series.csv: header %v, want %v", head, want)
		}
	}
	type colKey struct{ variant, kind, name, metric string }
	series := map[string]*scenarios.Series{}
	var order []string
	cols := map[colKey]int{}
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return fmt.Errorf("series.csv: %w", err)
		}
		v := rec[0]
		t, err := strconv.ParseFloat(rec[1], 64)
		if err != nil {
			return fmt.Errorf("series.csv:%d: t_s %q: %w", line, rec[1], err)
		}
		val := math.NaN()
		if rec[5] != "" {
			if val, err = strconv.ParseFloat(rec[5], 64); err != nil {
				return fmt.Errorf("series.csv:%d: value %q: %w", line, rec[5], err)
			}
		}
		ser := series[v]
		if ser == nil {
			ser = &scenarios.Series{}
			series[v] = ser
			order = append(order, v)
		}
		k := colKey{v, rec[2], rec[3], rec[4]}
		ci, ok := cols[k]
		if !ok {
			ci = len(ser.Cols)
			cols[k] = ci
			ser.Cols = append(ser.Cols, scenarios.SeriesCol{Kind: k.kind, Name: k.name, Metric: k.metric})
		}
		col := &ser.Cols[ci]
		if ci == 0 {
			ser.T = append(ser.T, t)
		}
		col.Values = append(col.Values, val)
	}
	for _, v := range order {
		var run *Run
		for i := range s.Runs {
			if s.Runs[i].Name == v {
				run = &s.Runs[i]
			}
		}
		if run == nil {
			continue
		}
		ms, err := unflattenSeries(series[v])
		if err != nil {
			return fmt.Errorf("series.csv: variant %s: %w", v, err)
		}
		res := run.Results
		res.Series = *ms
		if n := len(ms.T); n > 0 {
			if n > 1 {
				res.IntervalS = ms.T[1] - ms.T[0]
			} else if res.IntervalS == 0 {
				res.IntervalS = 1
			}
			res.EndS = ms.T[n-1] + res.IntervalS
		}
		rec := res.Summary.Recovery
		if len(res.Faults) == 0 && rec.Verdict != results.NoFaults && rec.FaultEndS > 0 {
			res.Faults = []results.FaultWindow{{Kind: "faults", StartS: rec.FirstFaultS, EndS: rec.FaultEndS}}
		}
	}
	return nil
}
