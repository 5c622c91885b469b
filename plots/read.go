package plots

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/stampede-sim/stampede/models"
)

// maxResultsBytes bounds what ReadSet reads (an hour at 1 ms intervals of
// a big world is well under it).
const maxResultsBytes = 1 << 30

// ReadSet reads saved results as JSON, in one of two shapes:
//
//   - one run's models.Results (Results.WriteJSON): a single run named
//     name, with series, so every per-run figure can be drawn;
//   - a batch summary, {"scenario": ..., "title": ..., "variants":
//     [{"name": ..., <summary fields>}, ...]} (the summary.json of
//     `stampede run --out`): one run per variant with its summary only,
//     enough for the latency and comparison figures. A variant that also
//     holds "series" and "t_s", or a whole "results" object, gets those
//     too.
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

func decodeResults(b []byte) (*models.Results, error) {
	var res models.Results
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
		var res *models.Results
		var err error
		switch {
		case len(head.Results) > 0:
			res, err = decodeResults(head.Results)
		case len(head.Summary) > 0:
			// A variant shaped like a run: {"name", "summary", "series", ...}.
			res, err = decodeResults(raw)
		default:
			// The summary's fields inline beside the name.
			res = &models.Results{}
			err = json.Unmarshal(raw, &res.Summary)
			if err == nil {
				var extra struct {
					T      models.Values        `json:"t_s"`
					Series *models.Series       `json:"series"`
					Faults []models.FaultWindow `json:"faults"`
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
