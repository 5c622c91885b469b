package plots

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/stampede-sim/stampede/models/results"
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
//     "series", or a whole "results" object, gets those too;
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
	if _, ok := top["variants"]; ok {
		batch, err := results.DecodeBatch(b)
		if err != nil {
			return nil, err
		}
		if len(batch.Rows) == 0 {
			return nil, errors.New("results hold no variants")
		}
		set, err := FromBatch(batch, DefaultSweepMetric)
		if err != nil {
			return nil, err
		}
		if raw, ok := top["figures"]; ok {
			if set.Specs, err = readSpecs(raw); err != nil {
				return nil, err
			}
		}
		return set, nil
	}
	if _, ok := top["summary"]; ok {
		var res results.Results
		if err := json.Unmarshal(b, &res); err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		return &Set{Runs: []Run{{Name: name, Results: &res}}}, nil
	}
	return nil, errors.New("not a results file: want the JSON of one run (with \"summary\" and \"series\") or of a batch (with \"variants\")")
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
	type columns struct {
		t    results.Values
		cols []results.Column
	}
	series := map[string]*columns{}
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
			ser = &columns{}
			series[v] = ser
			order = append(order, v)
		}
		k := colKey{v, rec[2], rec[3], rec[4]}
		ci, ok := cols[k]
		if !ok {
			ci = len(ser.cols)
			cols[k] = ci
			ser.cols = append(ser.cols, results.Column{Kind: k.kind, Name: k.name, Metric: k.metric})
		}
		col := &ser.cols[ci]
		if ci == 0 {
			ser.t = append(ser.t, t)
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
		ms := results.SeriesOfColumns(series[v].t, series[v].cols)
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

// readSpecs reads the figures a scenario declared, as its JSON summary
// carries them ("figures": [{"name", "kind", "title", ...}]).
func readSpecs(raw json.RawMessage) ([]Spec, error) {
	var fs []struct {
		Name     string   `json:"name"`
		Kind     string   `json:"kind"`
		Title    string   `json:"title"`
		Subtitle string   `json:"subtitle"`
		Variants []string `json:"variants"`
		Client   string   `json:"client"`
		Service  string   `json:"service"`
		Edge     string   `json:"edge"`
		Metric   string   `json:"metric"`
		YLabel   string   `json:"y_label"`
		XMetric  string   `json:"x_metric"`
		XLabel   string   `json:"x_label"`
	}
	if err := json.Unmarshal(raw, &fs); err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	var out []Spec
	for _, f := range fs {
		if f.Kind == "" {
			return nil, errors.New("figures: a figure without a kind")
		}
		out = append(out, Spec{Name: f.Name, Kind: f.Kind, Title: f.Title, Subtitle: f.Subtitle, Variants: f.Variants,
			Client: f.Client, Service: f.Service, Edge: f.Edge, Metric: f.Metric, YLabel: f.YLabel, XMetric: f.XMetric, XLabel: f.XLabel})
	}
	return out, nil
}
