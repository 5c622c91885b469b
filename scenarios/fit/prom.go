package fit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// MaxPromBytes is the largest Prometheus answer read (Prometheus itself
// caps a query_range at 11,000 points per series).
const MaxPromBytes = 256 << 20

// Series is one series of a Prometheus query_range answer: a rate or
// gauge over time, or (for series with an "le" label) a latency histogram
// summed over the window.
type Series struct {
	File string
	// Role is RoleRate, RoleLatency or RoleConcurrency.
	Role string
	// Name is the series' service (or job, or first) label value;
	// Labels all its labels but le, as Prometheus prints them.
	Name, Labels string
	// Points are (Unix s, value) samples, for a rate or gauge.
	Points [][2]float64
	// Buckets are (upper bound, count) of a histogram, cumulative, the
	// last bound +Inf; Steps counts the steps summed, Skipped those left
	// out for non-monotonic counts.
	Buckets        [][2]float64
	Steps, Skipped int
}

// Histogram says whether the series is a histogram.
func (s *Series) Histogram() bool { return s.Buckets != nil }

// Mean is the mean of a rate or gauge series.
func (s *Series) Mean() float64 {
	var sum float64
	for _, p := range s.Points {
		sum += p[1]
	}
	return sum / float64(max(len(s.Points), 1))
}

// Max is the largest sample of a rate or gauge series.
func (s *Series) Max() float64 {
	m := math.Inf(-1)
	for _, p := range s.Points {
		m = max(m, p[1])
	}
	return m
}

// Quantile interpolates the q-quantile of a histogram series inside its
// bucket, as PromQL's histogram_quantile does; NaN when empty.
func (s *Series) Quantile(q float64) float64 {
	if len(s.Buckets) == 0 {
		return math.NaN()
	}
	total := s.Buckets[len(s.Buckets)-1][1]
	if total <= 0 {
		return math.NaN()
	}
	rank := q * total
	prevLe, prevC := 0.0, 0.0
	for _, b := range s.Buckets {
		if b[1] >= rank {
			if math.IsInf(b[0], 1) {
				return prevLe
			}
			if b[1] == prevC {
				return b[0]
			}
			return prevLe + (b[0]-prevLe)*(rank-prevC)/(b[1]-prevC)
		}
		prevLe, prevC = b[0], b[1]
	}
	return prevLe
}

type promAnswer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// ReadPrometheus reads a Prometheus HTTP API query_range answer (JSON, as
// /api/v1/query_range returns it).
// A histogram's role is RoleLatency; other series take role (RoleRate if
// empty).
func ReadPrometheus(r io.Reader, file, role string, w *Warnings) ([]Series, error) {
	if role == "" {
		role = RoleRate
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxPromBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxPromBytes {
		return nil, &InputError{File: file, Msg: fmt.Sprintf("larger than MaxPromBytes (%d bytes): query a shorter window or a coarser step", MaxPromBytes)}
	}
	var a promAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		var se *json.SyntaxError
		if strings.Contains(err.Error(), "unexpected end") {
			return nil, &InputError{File: file, Offset: int64(len(b)), Msg: "truncated: the input ends inside a JSON value"}
		}
		if errors.As(err, &se) {
			lr := &lineReader{r: nil, chunks: []lineChunk{{data: b}}}
			return nil, lr.errorAt(file, se.Offset, "invalid JSON: %v", err)
		}
		return nil, &InputError{File: file, Msg: fmt.Sprintf("not a Prometheus query_range answer: %v", err)}
	}
	switch {
	case a.Status == "error":
		return nil, &InputError{File: file, Msg: fmt.Sprintf("the answer is an error: %s: %s", a.ErrorType, a.Error)}
	case a.Status != "success":
		return nil, &InputError{File: file, Msg: fmt.Sprintf("not a Prometheus query_range answer: status %q, want \"success\"", a.Status)}
	case a.Data.ResultType != "matrix":
		return nil, &InputError{File: file, Msg: fmt.Sprintf("resultType %q: want \"matrix\" (a query_range answer, not an instant query)", a.Data.ResultType)}
	}
	type bucketed struct {
		s     *Series
		steps map[float64][][2]float64 // time -> (le, cumulative)
	}
	var out []*Series
	hists := map[string]*bucketed{}
	for i, res := range a.Data.Result {
		le, isHist := res.Metric["le"]
		labels, name := labelsOf(res.Metric)
		var pts [][2]float64
		for j, v := range res.Values {
			t, ok1 := v[0].(float64)
			x, err := strconv.ParseFloat(fmt.Sprint(v[1]), 64)
			if !ok1 || err != nil {
				return nil, &InputError{File: file, Msg: fmt.Sprintf("result %d, value %d: want [unix_seconds, \"number\"], got %v", i, j, v)}
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				w.add(WarnNaN, 1)
				continue
			}
			pts = append(pts, [2]float64{t, x})
		}
		if len(pts) == 0 {
			w.add(WarnEmptySeries, 1)
			continue
		}
		if !isHist {
			s := &Series{File: file, Role: role, Name: name, Labels: labels, Points: pts}
			out = append(out, s)
			continue
		}
		bound, err := strconv.ParseFloat(le, 64)
		if err != nil {
			return nil, &InputError{File: file, Msg: fmt.Sprintf("result %d: le=%q is not a number", i, le)}
		}
		h := hists[labels]
		if h == nil {
			h = &bucketed{s: &Series{File: file, Role: RoleLatency, Name: name, Labels: labels}, steps: map[float64][][2]float64{}}
			hists[labels] = h
			out = append(out, h.s)
		}
		for _, p := range pts {
			h.steps[p[0]] = append(h.steps[p[0]], [2]float64{bound, p[1]})
		}
	}
	for _, h := range hists {
		sum := map[float64]float64{}
		for _, t := range sortedKeys(h.steps) {
			bs := h.steps[t]
			slices.SortFunc(bs, func(a, b [2]float64) int { return cmpF(a[0], b[0]) })
			ok := true
			for k := 1; k < len(bs); k++ {
				if bs[k][1] < bs[k-1][1]-1e-9*math.Abs(bs[k-1][1]) {
					ok = false
				}
			}
			h.s.Steps++
			if !ok {
				h.s.Skipped++
				w.add(WarnNonMonotonic, 1)
				continue
			}
			for _, b := range bs {
				sum[b[0]] += b[1]
			}
		}
		for _, le := range sortedFloats(sum) {
			h.s.Buckets = append(h.s.Buckets, [2]float64{le, sum[le]})
		}
		if len(h.s.Buckets) == 0 || !math.IsInf(h.s.Buckets[len(h.s.Buckets)-1][0], 1) {
			return nil, &InputError{File: file, Msg: fmt.Sprintf("histogram %s has no le=\"+Inf\" bucket (a _bucket series, summed by le?)", h.s.Labels)}
		}
	}
	if len(out) == 0 {
		return nil, &InputError{File: file, Msg: "no samples: every series is empty in the window (empty window?)"}
	}
	var res []Series
	for _, s := range out {
		res = append(res, *s)
	}
	return res, nil
}

func labelsOf(m map[string]string) (labels, name string) {
	var parts []string
	for _, k := range sortedKeys(m) {
		if k == "le" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s=%q", k, m[k]))
	}
	for _, k := range []string{"service", "job", "__name__"} {
		if v, ok := m[k]; ok {
			name = v
			break
		}
	}
	if name == "" && len(parts) > 0 {
		_, v, _ := strings.Cut(parts[0], "=")
		name, _ = strconv.Unquote(v)
	}
	if name == "" {
		name = "series"
	}
	return "{" + strings.Join(parts, ", ") + "}", name
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sortedFloats(m map[float64]float64) []float64 {
	keys := make([]float64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
