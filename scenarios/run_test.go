package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func mustLoad(t testing.TB, file string, src string) *Scenario {
	t.Helper()
	s, err := Load(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadFile(t testing.TB, path string) *Scenario {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// outputs renders every output of a result.
func outputs(t testing.TB, r *Result) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, w := range map[string]func(*bytes.Buffer) error{
		"json":   func(b *bytes.Buffer) error { return r.WriteJSON(b) },
		"csv":    func(b *bytes.Buffer) error { return r.WriteSeriesCSV(b) },
		"report": func(b *bytes.Buffer) error { return r.WriteReport(b) },
		"table":  func(b *bytes.Buffer) error { return r.WriteTable(b, TableOptions{}) },
		"claims": func(b *bytes.Buffer) error { return r.WriteClaims(b, true) },
	} {
		var b bytes.Buffer
		if err := w(&b); err != nil {
			t.Fatal(err)
		}
		out[name] = b.Bytes()
	}
	return out
}

func sameOutputs(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	for k := range a {
		if !bytes.Equal(a[k], b[k]) {
			t.Errorf("%s: %s differs:\n%s\n---\n%s", what, k, a[k], b[k])
		}
	}
}

// TestParallelDeterminism: the outputs are byte-identical whatever the
// parallelism.
func TestParallelDeterminism(t *testing.T) {
	s := loadFile(t, "testdata/good/full.toml")
	var ref map[string][]byte
	for _, par := range []int{1, 4} {
		r, err := Run(s, Options{Parallel: par, Series: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r.Rows); got != 2*2*3 {
			t.Fatalf("%d rows, want 12 (2x2 points x 3 variants)", got)
		}
		out := outputs(t, r)
		if ref == nil {
			ref = out
			continue
		}
		sameOutputs(t, fmt.Sprintf("--parallel %d", par), ref, out)
	}
	if len(ref["csv"]) < 1000 {
		t.Errorf("series.csv is nearly empty:\n%s", ref["csv"])
	}
}

// TestShardMerge: merging the shards of a batch gives exactly the
// unsharded result, whatever the order the shard files come in.
func TestShardMerge(t *testing.T) {
	s := loadFile(t, "testdata/good/full.toml")
	opts := Options{Series: true, Parallel: 2}
	whole, err := Run(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 7} {
		var shards []NamedReader
		for i := n; i >= 1; i-- {
			var b bytes.Buffer
			if err := RunShard(s, opts, Shard{i, n}, &b); err != nil {
				t.Fatal(err)
			}
			shards = append(shards, NamedReader{Name: ShardFileName(Shard{i, n}), R: &b})
		}
		merged, err := Merge(shards)
		if err != nil {
			t.Fatal(err)
		}
		sameOutputs(t, fmt.Sprintf("%d shards", n), outputs(t, whole), outputs(t, merged))
	}
}

func TestMergeErrors(t *testing.T) {
	s := mustLoad(t, "m.toml", mm1Small)
	shard := func(s *Scenario, opts Options, i, n int) NamedReader {
		var b bytes.Buffer
		if err := RunShard(s, opts, Shard{i, n}, &b); err != nil {
			t.Fatal(err)
		}
		return NamedReader{Name: fmt.Sprintf("s%d", i), R: bytes.NewReader(b.Bytes())}
	}
	opts := Options{Replications: 4}
	other := Options{Replications: 4, Set: []string{"clients.c.rate=50"}}
	for _, c := range []struct {
		name   string
		shards []NamedReader
		want   string
	}{
		{"missing", []NamedReader{shard(s, opts, 1, 3), shard(s, opts, 3, 3)}, "shards missing: [2] of 3"},
		{"duplicate", []NamedReader{shard(s, opts, 1, 2), shard(s, opts, 1, 2), shard(s, opts, 2, 2)}, "shard 1/2 is also in"},
		{"other batch", []NamedReader{shard(s, opts, 1, 2), shard(s, other, 2, 2)}, "from a different batch"},
		{"not a shard", []NamedReader{{Name: "x", R: strings.NewReader("{}\n")}}, "not a stampede shard file"},
		{"none", nil, "no shard files"},
	} {
		_, err := Merge(c.shards)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
}

const mm1Small = `
title = "small M/M/1"
duration = "20s"
seed = 7

[[services]]
name = "s"
service_time = "exp(1ms)"

[[clients]]
name = "c"
target = "s"
rate = 500
`

// TestCommonRandomNumbers: a variant whose settings change nothing sees
// exactly the base's random numbers, so its results are identical.
func TestCommonRandomNumbers(t *testing.T) {
	s := mustLoad(t, "crn.toml", mm1Small+`
[[variants]]
name = "same"
set = { "clients.c.rate" = 500, "services.s.queue.order" = "fifo" }

[[variants]]
name = "slower"
set = { "services.s.service_time" = "exp(1.2ms)" }
`)
	r, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, same, slower := r.Rows[0], r.Rows[1], r.Rows[2]
	for _, m := range []string{"calls", "latency_s.p99", "services.s.utilization"} {
		a, _ := base.Number(m)
		b, _ := same.Number(m)
		if a != b {
			t.Errorf("%s: base %v, no-op variant %v: variants must share random streams", m, a, b)
		}
	}
	// The same arrivals (same calls), different service.
	a, _ := base.Number("calls")
	c, _ := slower.Number("calls")
	ua, _ := base.Number("services.s.utilization")
	uc, _ := slower.Number("services.s.utilization")
	if a != c || !(uc > ua) {
		t.Errorf("slower variant: calls %v vs %v (want equal), utilization %v vs %v (want higher)", c, a, uc, ua)
	}
}

// TestReplications: replication 0 runs with the scenario's seed; the
// others with derived seeds; numbers are means with 95% half-widths.
func TestReplications(t *testing.T) {
	s := mustLoad(t, "r.toml", mm1Small)
	one, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	five, err := Run(s, Options{Replications: 5})
	if err != nil {
		t.Fatal(err)
	}
	if replicationSeed(7, 0) != 7 || replicationSeed(7, 1) == 7 || replicationSeed(7, 1) == replicationSeed(7, 2) {
		t.Errorf("replication seeds: %d %d %d", replicationSeed(7, 0), replicationSeed(7, 1), replicationSeed(7, 2))
	}
	if _, ok := one.Rows[0].CI95("goodput"); ok {
		t.Error("one replication has a ci95")
	}
	hw, ok := five.Rows[0].CI95("services.s.utilization")
	mean, _ := five.Rows[0].Number("services.s.utilization")
	if !ok || !(hw > 0 && hw < 0.02) || math.Abs(mean-0.5) > 3*hw+0.005 {
		t.Errorf("utilization %v ±%v over 5 replications; want 0.5 within the interval", mean, hw)
	}
	// The histogram holds every success of the five replications, on one
	// line.
	var n float64
	for _, b := range five.Rows[0].summary.find([]string{"latency_s", "histogram"}).pairs {
		n += b[1]
	}
	if succ, _ := five.Rows[0].Number("succeeded"); n != 5*succ || n == 0 {
		t.Errorf("the histogram holds %v calls, want 5 x %v", n, succ)
	}
	if _, ok := five.Rows[0].CI95("latency_s.histogram"); ok || five.Rows[0].summary.get("ci95").find([]string{"latency_s", "histogram"}) != nil {
		t.Error("the histogram has a ci95")
	}
	var b bytes.Buffer
	five.WriteJSON(&b)
	for _, want := range []string{`"replications": 5`, `"ci95": {`, `"utilization": 0.`, `"histogram": [[`, `], [`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
}

func TestAggregate(t *testing.T) {
	parse := func(s string) *jv {
		var v jv
		if err := v.UnmarshalJSON([]byte(s)); err != nil {
			t.Fatal(err)
		}
		return &v
	}
	mean, ci := aggregate([]*jv{
		parse(`{"n": 1, "failed": {"timeout": 4}, "recovered": true, "recovery_s": 2, "v": "a"}`),
		parse(`{"n": 3, "failed": {"queue_full": 2, "timeout": 2}, "recovered": false, "recovery_s": null, "v": "b"}`),
	})
	got := string(mean.encode(nil, "", 0)) + " " + string(ci.encode(nil, "", 0))
	want := `{"n":2,"failed":{"queue_full":1,"timeout":3},"recovered":false,"recovery_s":2,"v":"mixed"} ` +
		`{"n":12.7062047362,"failed":{"queue_full":12.7062047362,"timeout":12.7062047362}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// Latency histograms add up bucket by bucket, with no interval; a
	// replication without one (no success) adds nothing; other arrays are
	// the first replication's.
	mean, ci = aggregate([]*jv{
		parse(`{"latency_s": {"p50": 1, "histogram": [[0.001, 2], [0.003, 1]]}, "a": [1, 2]}`),
		parse(`{"latency_s": {"p50": 1}, "a": [3]}`),
		parse(`{"latency_s": {"p50": 1, "histogram": [[0.002, 5], [0.003, 4], [0.5, 1]]}, "a": [4]}`),
	})
	got = string(mean.encode(nil, "", 0)) + " " + string(ci.encode(nil, "", 0))
	want = `{"latency_s":{"p50":1,"histogram":[[0.001,2],[0.002,5],[0.003,5],[0.5,1]]},"a":[1,2]} {"latency_s":{"p50":0}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestLimits: an exploding scenario stops with a message naming the
// limit, and the result says so.
func TestLimits(t *testing.T) {
	explode := `
title = "no timeouts against a black hole"
duration = "10m"

[[services]]
name = "s"
service_time = "1ms"

[[clients]]
name = "c"
target = "s"
rate = 2000

[[faults]]
kind = "outage"
mode = "black_hole"
target = "s"
at = "1s"
for = "9m"
`
	for _, c := range []struct {
		name, limits string
		now          func() time.Time
		want, raise  string
	}{
		{"in flight", "[limits]\nmax_in_flight = 5000\n", nil, "limits.max_in_flight", "--set limits.max_in_flight=10000"},
		{"events", "[limits]\nmax_events = 20000\n", nil, "limits.max_events", "--set limits.max_events=40000"},
		{"wall", "[limits]\nmax_wall = \"5m\"\n", fakeClock(time.Minute), "limits.max_wall = 5m0s", "--set limits.max_wall=10m0s"},
	} {
		s := mustLoad(t, "x.toml", explode+c.limits)
		r, err := Run(s, Options{Now: c.now})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Stopped) != 1 || !strings.Contains(r.Stopped[0], c.want) || !strings.Contains(r.Rows[0].Stopped, c.want) {
			t.Errorf("%s: stopped %q, want a message naming %s", c.name, r.Stopped, c.want)
		}
		if len(r.Stopped) == 1 && !strings.Contains(r.Stopped[0], c.raise) {
			t.Errorf("%s: stopped %q, want it to say how to raise the limit (%s)", c.name, r.Stopped[0], c.raise)
		}
		var b bytes.Buffer
		r.WriteJSON(&b)
		if !strings.Contains(b.String(), `"stopped": "run stopped`) {
			t.Errorf("%s: the JSON does not say the run stopped", c.name)
		}
	}
}

// fakeClock returns a clock that moves by step at each reading.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Unix(0, 0)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

func TestOptionsErrors(t *testing.T) {
	s := mustLoad(t, "o.toml", mm1Small+"\n[[variants]]\nname = \"fast\"\nset = { \"clients.c.rate\" = 100 }\n")
	for _, c := range []struct {
		opts Options
		want string
	}{
		{Options{Variants: []string{"fats"}}, `--variant "fats": no such variant in o; did you mean "fast"?`},
		{Options{Set: []string{"clients.c.rat=5"}}, `--set clients.c.rat: no key "rat" in clients[c]; did you mean "rate"?`},
		{Options{Set: []string{"clients.c.rate=-5"}}, `clients[c].rate: must be a finite number >= 0, got -5`},
		{Options{Set: []string{"nonsense"}}, "want path=value"},
		// One cause, one error, and it names the cause (issue 13 item 13).
		{Options{Set: []string{"services.s.workers=9999999999999999999999"}},
			`--set services.s.workers: 9999999999999999999999 is out of range: an integer is at most 9223372036854775807`},
		{Options{Set: []string{"clients.c.rate=1e400"}},
			`--set clients.c.rate: 1e400 is out of range: a number is at most 1.7976931348623157e+308`},
		{Options{Set: []string{"clients.c.rate=inf"}}, `clients[c].rate: must be a finite number >= 0, got +Inf`},
		{Options{Set: []string{"clients.c.timeout=100000000h"}},
			`--set clients.c.timeout: "100000000h" is out of range: a duration is at most 2562047h (about 292 years)`},
		{Options{Set: []string{"clients.c.timeout=10 ms"}},
			`--set clients.c.timeout: "10 ms" has a space between the number and its unit: write "10ms"`},
	} {
		_, err := Run(s, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.opts, err, c.want)
		} else if n := strings.Count(err.Error(), "\n") + 1; n != 1 {
			t.Errorf("%+v: %d errors for one cause:\n%v", c.opts, n, err)
		}
	}
	// --set takes TOML values and bare words; --variant picks variants.
	r, err := Run(s, Options{Set: []string{"clients.c.timeout=250ms", "clients.c.rate = 200"}, Variants: []string{"fast"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 || r.Rows[0].Variant != "fast" {
		t.Errorf("rows %+v, want only fast", r.Rows)
	}
	if _, err := ParseShard("0/3"); err == nil {
		t.Error("shard 0/3 accepted")
	}
	if sh, err := ParseShard("2/3"); err != nil || sh != (Shard{2, 3}) {
		t.Errorf("ParseShard(2/3) = %v, %v", sh, err)
	}
}

// TestClaims evaluates claims that hold and fail, with relative_to and
// sweep points.
func TestClaims(t *testing.T) {
	s := mustLoad(t, "c.toml", mm1Small+`
[[variants]]
name = "double"
set = { "clients.c.rate" = 900 }

[sweep]
x = { path = "services.s.workers", values = [1, 2] }

[[expect]]
metric = "services.s.utilization"
min = 0.4
max = 0.6
x = 1

[[expect]]
variant = "double"
metric = "calls"
relative_to = "base"
min = 1.7
max = 1.9

[[expect]]
metric = "recovered"
equals = true
about = "there is no fault, so this cannot hold"

[[expect]]
metric = "latency_s.p99"
max = 0.0001
x = 2
`)
	r, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range r.Claims {
		got = append(got, fmt.Sprintf("%s %v %s ok=%v", c.Variant, c.Point, c.Metric, c.OK))
	}
	want := []string{
		"base [1] services.s.utilization ok=true",
		"double [1] calls ok=true",
		"double [2] calls ok=true",
		"base [1] recovered ok=false",
		"base [2] recovered ok=false",
		"base [2] latency_s.p99 ok=false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("claims:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var b bytes.Buffer
	r.WriteClaims(&b, false)
	for _, w := range []string{"FAIL c.toml:", "there is no fault", "got      null (verdict: no_faults)", "at       services.s.workers = 2"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("claims output lacks %q:\n%s", w, b.String())
		}
	}
	if n := len(r.Failed()); n != 3 {
		t.Errorf("%d failed claims, want 3", n)
	}
}

// TestRecoveredShorthand: `recovered = true` in a claim is metric =
// "recovered", equals = true, before and after options re-check the
// scenario.
func TestRecoveredShorthand(t *testing.T) {
	s := mustLoad(t, "r.toml", mm1Small+`
[[faults]]
kind = "slowdown"
target = "s"
at = "8s"
for = "2s"
factor = 1.5

[[expect]]
recovered = true

[[expect]]
recovered = false
about = "it does recover"
`)
	for i, want := range []bool{true, false} {
		if ex := s.Expect[i]; ex.Metric != "recovered" || ex.Equals != want || ex.Recovered != nil {
			t.Errorf("expect[%d] = metric %q, equals %v, recovered %v; want recovered, %v", i, ex.Metric, ex.Equals, ex.Recovered, want)
		}
	}
	r, err := Run(s, Options{Set: []string{"recovery.hold=2s"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range r.Claims {
		got = append(got, fmt.Sprintf("%s %s got %s ok=%v", c.Metric, c.Want, c.Got, c.OK))
	}
	if want := "recovered = true got true ok=true, recovered = false got true ok=false"; strings.Join(got, ", ") != want {
		t.Errorf("claims %s, want %s", strings.Join(got, ", "), want)
	}
}

// TestEmptyShard: more shards than runs leaves some empty; they still
// merge into the whole result.
func TestEmptyShard(t *testing.T) {
	s := mustLoad(t, "e.toml", mm1Small)
	whole, err := Run(s, Options{Replications: 2})
	if err != nil {
		t.Fatal(err)
	}
	var shards []NamedReader
	for i := 1; i <= 3; i++ {
		var b bytes.Buffer
		if err := RunShard(s, Options{Replications: 2}, Shard{i, 3}, &b); err != nil {
			t.Fatal(err)
		}
		if i == 3 && strings.Count(b.String(), "\n") != 1 {
			t.Errorf("shard 3 of 3 holds runs:\n%s", b.String())
		}
		shards = append(shards, NamedReader{Name: ShardFileName(Shard{i, 3}), R: &b})
	}
	merged, err := Merge(shards)
	if err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, "empty shard", outputs(t, whole), outputs(t, merged))
}

// TestClaimPositionsSurviveOptions: --set and --replications re-check the
// scenario; claims keep their place in the file.
func TestClaimPositionsSurviveOptions(t *testing.T) {
	s := mustLoad(t, "p.toml", mm1Small+"\n[[expect]]\nmetric = \"calls\"\nmin = 1\n")
	r, err := Run(s, Options{Set: []string{"clients.c.rate=100"}, Replications: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Claims[0]; c.Pos.Line != 15 || !c.OK {
		t.Errorf("claim %+v, want line 15 and holding", c)
	}
}

// TestNullMetrics: a variant that serves nothing has no latency and no
// time in service: null in JSON, "-" in the table, an empty cell in CSV,
// and a claim on it fails saying why, whatever its bounds (issue 13 item
// 8).
func TestNullMetrics(t *testing.T) {
	s := mustLoad(t, "none.toml", `
duration = "5s"
seed = 1

[[services]]
name = "s"
service_time = "50ms"

[[services]]
name = "idle"
service_time = "1ms"

[[clients]]
name = "c"
target = "s"
rate = 200
timeout = "1ms"

[[expect]]
metric = "latency_s.p99"
max = 0.1

[[expect]]
metric = "services.idle.sojourn_s.mean"
max = 0.1
`)
	for _, reps := range []int{1, 3} {
		r, err := Run(s, Options{Replications: reps, Series: true})
		if err != nil {
			t.Fatal(err)
		}
		row := &r.Rows[0]
		for _, m := range []string{"latency_s.mean", "latency_s.p50", "latency_s.p99", "latency_s.max",
			"clients.c.latency_s.p99", "services.idle.wait_s.mean", "services.idle.sojourn_s.mean"} {
			if v, ok := row.Value(m); !ok || v != nil {
				t.Errorf("%d replications: %s = %v, %v; want null", reps, m, v, ok)
			}
		}
		var js, table, csv bytes.Buffer
		if err := r.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(js.String(), `"p99": null`) {
			t.Errorf("%d replications: the JSON has no null p99:\n%s", reps, js.String())
		}
		if err := r.WriteTable(&table, TableOptions{}); err != nil {
			t.Fatal(err)
		}
		cells, _ := r.cells()
		for j, h := range cells[0] {
			if (h == "p50" || h == "p99") && cells[1][j] != "-" {
				t.Errorf("%d replications: the table shows %s %s for no success:\n%s", reps, h, cells[1][j], table.String())
			}
		}
		if err := r.WriteSeriesCSV(&csv); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(csv.String(), ",total,total,p99_s,\n") {
			t.Errorf("%d replications: p99_s is not an empty cell in CSV", reps)
		}
		if len(r.Claims) != 2 {
			t.Fatalf("%d claims, want 2", len(r.Claims))
		}
		for i, why := range []string{"null (no call succeeded, so there is no latency to judge)",
			"null (no request was served there, so there is no time in service to judge)"} {
			if c := r.Claims[i]; c.OK || c.Got != why {
				t.Errorf("%d replications: claim on %s: ok %v, got %q; want a failure, got %q", reps, c.Metric, c.OK, c.Got, why)
			}
		}
	}
}

// TestRowSeeds: a variant or sweep point that sets seed, 0 included,
// runs it and says so in its row of the JSON summary ("seed"); a row that
// runs the scenario's seed has no "seed" of its own; --seed (Options.Seed)
// 0 replaces the scenario's seed with 0 and is written as 0.
func TestRowSeeds(t *testing.T) {
	s := mustLoad(t, "seeds.toml", mm1Small+`
[[variants]]
name = "zero"
set = { seed = 0 }

[[variants]]
name = "same"
set = { seed = 7 }
`)
	r, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Seed     *uint64 `json:"seed"`
		Variants []struct {
			Name  string  `json:"name"`
			Seed  *uint64 `json:"seed"`
			Calls float64 `json:"calls"`
		} `json:"variants"`
	}
	decodeJSON := func(r *Result) {
		var b bytes.Buffer
		if err := r.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		doc.Seed, doc.Variants = nil, nil
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
	}
	decodeJSON(r)
	if doc.Seed == nil || *doc.Seed != 7 || len(doc.Variants) != 3 {
		t.Fatalf("seed %v, %d variants; want 7 and 3", doc.Seed, len(doc.Variants))
	}
	base, zero, same := doc.Variants[0], doc.Variants[1], doc.Variants[2]
	if base.Seed != nil || same.Seed != nil {
		t.Errorf("rows that ran the scenario's seed say seed %v, %v; want none", base.Seed, same.Seed)
	}
	if zero.Seed == nil || *zero.Seed != 0 {
		t.Errorf("the variant that sets seed = 0 says seed %v, want 0", zero.Seed)
	}
	if zero.Calls == base.Calls || same.Calls != base.Calls {
		t.Errorf("calls: base %v, seed 0 %v, seed 7 %v: seed 0 must be run, not replaced by 7", base.Calls, zero.Calls, same.Calls)
	}
	b, err := r.Batch()
	if err != nil {
		t.Fatal(err)
	}
	if b.Rows[1].Run.Seed != 0 || b.Rows[1].Run.NoSeed || b.Rows[0].Run.Seed != 7 {
		t.Errorf("batch rows' seeds: %d, %d (unknown %v); want 7, 0", b.Rows[0].Run.Seed, b.Rows[1].Run.Seed, b.Rows[1].Run.NoSeed)
	}
	var table strings.Builder
	if err := r.WriteTable(&table, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "(seed 7, variant zero seed 0, 1 replication)") {
		t.Errorf("the table's head does not name the variant's own seed:\n%s", table.String())
	}
	var zeroSeed uint64
	r, err = Run(s, Options{Seed: &zeroSeed})
	if err != nil {
		t.Fatal(err)
	}
	decodeJSON(r)
	if doc.Seed == nil || *doc.Seed != 0 || doc.Variants[1].Seed != nil || doc.Variants[2].Seed == nil || *doc.Variants[2].Seed != 7 {
		t.Errorf("with --seed 0: seed %v, variant zero %v, variant same %v; want 0, none, 7", doc.Seed, doc.Variants[1].Seed, doc.Variants[2].Seed)
	}
}
