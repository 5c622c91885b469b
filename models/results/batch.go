package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// SchemaVersion is the version of the JSON summary (summary.json, `stampede
// run --json`), written as its "schema_version". It grows only when a
// field changes meaning or goes away; new fields do not change it.
// docs/summary.schema.json is the summary's JSON Schema.
const SchemaVersion = 1

// Batch is what a batch of runs produced, as figures and the TUI read it:
// one Row per variant and sweep point, in the batch's order (points in
// sweep order, x outer and y inner; at each point the variants). scenarios
// builds it from a batch run; DecodeBatch reads it back from a batch's
// JSON summary (summary.json).
type Batch struct {
	// Scenario is the scenario's name, Title its title.
	Scenario string
	Title    string
	// Replications is the number of runs behind each row.
	Replications int
	// Seed is the seed of replication 0 (the others' derive from it):
	// two batches with the same seed and replications ran the same
	// random numbers, so their rows can be compared paired. A row whose
	// variant or sweep point sets its own seed has it in Row.Run.Seed.
	// NoSeed says the summary read back did not record the seed (Seed
	// is then 0 and means nothing): such a batch is never paired.
	Seed   uint64
	NoSeed bool
	// Axes are the swept parameters (none without a sweep).
	Axes []Axis
	// Rows holds the results.
	Rows []Row
	// Margins are the margins the scenario's [margin] table declares,
	// when they were searched (stampede run, summary.json's "margins").
	Margins []*Margin
}

// Axis is a swept parameter and the values it takes.
type Axis struct {
	// Path is the swept key ("clients.users.rate").
	Path string
	// Values are the values, in sweep order.
	Values []Value
}

// ValueKind says what a swept value is.
type ValueKind uint8

// Value kinds.
const (
	// Number is a plain number.
	Number ValueKind = iota
	// Duration is a duration, written as text ("250ms"); Num holds it
	// in seconds.
	Duration
	// Text is any other string ("fifo"); Num is NaN.
	Text
	// Bool is true or false; Num is 1 or 0.
	Bool
)

// Value is one value of a swept parameter, typed: a number, a duration,
// or text, with the text to print.
type Value struct {
	Kind ValueKind
	// Num is the number (a duration in seconds; NaN for text).
	Num float64
	// Text is how tables, CSV headers and reports print it ("100",
	// "250ms", "fifo").
	Text string
}

// NumberValue is the value x.
func NumberValue(x float64) Value {
	return Value{Kind: Number, Num: x, Text: strconv.FormatFloat(x, 'g', -1, 64)}
}

// TextValue is the value s: a Duration when s parses as one ("250ms"),
// else Text.
func TextValue(s string) Value {
	if d, err := time.ParseDuration(s); err == nil {
		return Value{Kind: Duration, Num: d.Seconds(), Text: s}
	}
	return Value{Kind: Text, Num: math.NaN(), Text: s}
}

// BoolValue is the value b.
func BoolValue(b bool) Value {
	if b {
		return Value{Kind: Bool, Num: 1, Text: "true"}
	}
	return Value{Kind: Bool, Num: 0, Text: "false"}
}

// Row is the result of one variant at one sweep point: the mean over its
// replications.
type Row struct {
	// Variant is the variant's name ("base" for the scenario as written).
	Variant string
	// Point holds the row's sweep values, one per axis; nil without a
	// sweep.
	Point []Value
	// Run is the row as one run's results, for the per-run figures: the
	// summary (means over the replications, counts rounded; a verdict
	// the replications disagreed on is Mixed), the mean series when they
	// were kept, and what the first replication recorded as it ran: its
	// fault windows, seed, duration, interval, end, and why a limit
	// stopped it.
	Run Results
	// means and ci hold every number of the summary (booleans as 0 or
	// 1) and its 95% half-width, by dotted path ("goodput",
	// "latency_s.p99", "services.api.utilization", "peak.attempts");
	// objs the paths of its objects.
	means, ci map[string]float64
	objs      map[string]bool
	// nulls holds the paths whose value is null: not measured, never 0.
	nulls map[string]bool
	// reps holds the "per_replication" values by metric (NaN for null).
	reps map[string][]float64
}

// Number returns a numeric metric of the row's summary by dotted path
// (booleans as 0 or 1); ok is false if it is null or not a number. A
// missing entry of an object (a failure reason that did not occur:
// "failed.shed") is 0.
func (r *Row) Number(metric string) (float64, bool) {
	if x, ok := r.means[metric]; ok {
		return x, true
	}
	if r.nulls[metric] {
		return 0, false
	}
	if i := strings.LastIndexByte(metric, '.'); i > 0 && r.objs[metric[:i]] {
		if _, isObj := r.objs[metric]; !isObj {
			return 0, true
		}
	}
	return 0, false
}

// CI95 returns the 95% confidence half-width of a numeric metric over the
// replications; ok is false with one replication.
func (r *Row) CI95(metric string) (float64, bool) {
	x, ok := r.ci[metric]
	return x, ok
}

// Replicates returns a metric's value in each replication, in
// replication order (NaN where a replication had none), as summary.json's
// "per_replication" holds them for the Headlines; nil when it does not.
func (r *Row) Replicates(metric string) []float64 { return r.reps[metric] }

// DecodeBatch reads a batch's JSON summary (the summary.json of `stampede
// run --out`): {"scenario", "title", "replications", "sweep" (with a
// sweep), "variants": [{"name", "point", <summary fields>, "faults",
// "ci95"}, ...]}. A variant shaped like one run ({"name", "summary",
// "series", ...}) or holding a whole "results" object is read as that
// run.
func DecodeBatch(b []byte) (*Batch, error) {
	var top struct {
		SchemaVersion int               `json:"schema_version"`
		Scenario      string            `json:"scenario"`
		Title         string            `json:"title"`
		Replications  int               `json:"replications"`
		Seed          *uint64           `json:"seed"`
		Sweep         []json.RawMessage `json:"sweep"`
		Variants      []json.RawMessage `json:"variants"`
		Margins       []*Margin         `json:"margins"`
	}
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, err
	}
	if top.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("schema_version %d: written by a newer stampede (this one reads summaries up to schema_version %d)", top.SchemaVersion, SchemaVersion)
	}
	out := &Batch{Scenario: top.Scenario, Title: top.Title, Replications: top.Replications, NoSeed: top.Seed == nil, Margins: top.Margins}
	if top.Seed != nil {
		out.Seed = *top.Seed
	}
	for i, raw := range top.Sweep {
		var a struct {
			Path   string            `json:"path"`
			Values []json.RawMessage `json:"values"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("sweep[%d]: %w", i, err)
		}
		ax := Axis{Path: a.Path}
		for _, v := range a.Values {
			x, err := decodeValue(v)
			if err != nil {
				return nil, fmt.Errorf("sweep %s: %w", a.Path, err)
			}
			ax.Values = append(ax.Values, x)
		}
		out.Axes = append(out.Axes, ax)
	}
	if top.Sweep != nil && len(out.Axes) == 0 {
		return nil, errors.New("sweep: no parameters")
	}
	for i, raw := range top.Variants {
		row, err := DecodeRow(raw)
		if err == nil && len(out.Axes) > 0 {
			err = row.decodePoint(raw, out.Axes)
		}
		if err != nil {
			return nil, fmt.Errorf("variants[%d] (%s): %w", i, row.Variant, err)
		}
		if row.Run.NoSeed && !out.NoSeed {
			// Without its own "seed" a row ran the scenario's.
			row.Run.Seed, row.Run.NoSeed = out.Seed, false
		}
		out.Rows = append(out.Rows, *row)
	}
	return out, nil
}

// DecodeRow reads one row of a batch's JSON summary (see DecodeBatch),
// without its point.
func DecodeRow(b []byte) (*Row, error) {
	var head struct {
		Name    string          `json:"name"`
		Results json.RawMessage `json:"results"`
		Summary json.RawMessage `json:"summary"`
		Stopped string          `json:"stopped"`
		Seed    *uint64         `json:"seed"`
		Faults  []FaultWindow   `json:"faults"`
		Series  *Series         `json:"series"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, err
	}
	r := &Row{Variant: head.Name}
	body := b
	switch {
	case len(head.Results) > 0:
		body = head.Results
		fallthrough
	case len(head.Summary) > 0:
		// A variant shaped like a run: {"name", "summary", "series", ...}.
		if err := json.Unmarshal(body, &r.Run); err != nil {
			return r, fmt.Errorf("results: %w", err)
		}
		body, _ = json.Marshal(r.Run.Summary)
	default:
		// The summary's fields inline beside the name.
		if err := json.Unmarshal(b, &r.Run.Summary); err != nil {
			return r, err
		}
		r.Run.Stopped, r.Run.Faults = head.Stopped, head.Faults
		// The row's own seed when its variant or sweep point set one;
		// else unknown here (DecodeBatch gives it the scenario's).
		r.Run.NoSeed = head.Seed == nil
		if head.Seed != nil {
			r.Run.Seed = *head.Seed
		}
		if head.Series != nil {
			r.Run.Series = *head.Series
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		return r, err
	}
	r.means, r.ci, r.objs = map[string]float64{}, map[string]float64{}, map[string]bool{}
	if ci, ok := tree["ci95"].(map[string]any); ok {
		flatten(r.ci, nil, nil, "", ci)
	}
	delete(tree, "ci95")
	delete(tree, "point")
	delete(tree, "seed")
	if pr, ok := tree["per_replication"].(map[string]any); ok {
		r.reps = map[string][]float64{}
		for k, v := range pr {
			arr, ok := v.([]any)
			if !ok {
				return r, fmt.Errorf("per_replication.%s is not a list", k)
			}
			xs := make([]float64, len(arr))
			for i, x := range arr {
				xs[i] = math.NaN()
				if n, ok := x.(json.Number); ok {
					if f, err := n.Float64(); err == nil {
						xs[i] = f
					}
				}
			}
			r.reps[k] = xs
		}
	}
	delete(tree, "per_replication")
	r.nulls = map[string]bool{}
	flatten(r.means, r.objs, r.nulls, "", tree)
	return r, nil
}

// flatten adds the numbers and booleans of a decoded JSON object to m by
// dotted path, the paths of its objects to objs and of its nulls to nulls
// (either may be nil).
func flatten(m map[string]float64, objs, nulls map[string]bool, prefix string, obj map[string]any) {
	for k, v := range obj {
		p := prefix + k
		switch x := v.(type) {
		case nil:
			if nulls != nil {
				nulls[p] = true
			}
		case json.Number:
			if f, err := x.Float64(); err == nil {
				m[p] = f
			}
		case bool:
			m[p] = 0
			if x {
				m[p] = 1
			}
		case map[string]any:
			if objs != nil {
				objs[p] = true
			}
			flatten(m, objs, nulls, p+".", x)
		}
	}
}

// decodePoint reads a row's "point" object: one value per axis.
func (r *Row) decodePoint(b []byte, axes []Axis) error {
	var v struct {
		Point map[string]json.RawMessage `json:"point"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	for _, a := range axes {
		raw, ok := v.Point[a.Path]
		if !ok {
			return fmt.Errorf("no value of %s in its point", a.Path)
		}
		x, err := decodeValue(raw)
		if err != nil {
			return fmt.Errorf("point %s: %w", a.Path, err)
		}
		r.Point = append(r.Point, x)
	}
	return nil
}

// decodeValue reads a swept value: a JSON number, string or boolean.
func decodeValue(b []byte) (Value, error) {
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return Value{}, err
	}
	switch t := x.(type) {
	case float64:
		return NumberValue(t), nil
	case string:
		return TextValue(t), nil
	case bool:
		return BoolValue(t), nil
	}
	return Value{}, fmt.Errorf("value %s is not a number, a string or a boolean", b)
}

// Equal reports whether two swept values are the same setting: numbers,
// durations and booleans by value ("1s" is "1000ms"), text by text.
func (v Value) Equal(w Value) bool {
	if v.Kind != w.Kind {
		return false
	}
	if v.Kind == Text {
		return v.Text == w.Text
	}
	return v.Num == w.Num
}

// String returns the value's text.
func (v Value) String() string { return v.Text }
