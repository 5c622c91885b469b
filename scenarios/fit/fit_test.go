package fit

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/sim"
)

// synth writes OTLP JSON lines for n calls of a known system: a loadgen
// root span, one attempt, frontend (own time 2 ms, no wait) calling db
// (exponential own time, mean 10 ms, a queue.wait of 1 ms), a call every
// 10 ms of span time. Spans go out in batches of batch, children first,
// as an SDK's batch processor sends them.
func synth(w io.Writer, n, batch int, seed uint64) { synthP(w, n, batch, seed, 1) }

// synthP is synth whose requests call db with probability pdb only; the
// others answer after the frontend's own 2 ms.
func synthP(w io.Writer, n, batch int, seed uint64, pdb float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	type sp struct {
		svc, trace, id, parent, name string
		kind                         int
		start, end                   int64
	}
	var buf []sp
	flush := func() {
		if len(buf) == 0 {
			return
		}
		by := map[string][]sp{}
		var order []string
		for _, s := range buf {
			if _, ok := by[s.svc]; !ok {
				order = append(order, s.svc)
			}
			by[s.svc] = append(by[s.svc], s)
		}
		fmt.Fprint(w, `{"resourceSpans":[`)
		for i, svc := range order {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},"scopeSpans":[{"scope":{"name":"t"},"spans":[`, svc)
			for j, s := range by[svc] {
				if j > 0 {
					fmt.Fprint(w, ",")
				}
				fmt.Fprintf(w, `{"traceId":%q,"spanId":%q,"parentSpanId":%q,"name":%q,"kind":%d,"startTimeUnixNano":"%d","endTimeUnixNano":"%d","status":{}}`,
					s.trace, s.id, s.parent, s.name, s.kind, s.start, s.end)
			}
			fmt.Fprint(w, `]}]}`)
		}
		fmt.Fprintln(w, `]}`)
		buf = buf[:0]
	}
	const ms = int64(1e6)
	t0 := int64(1_700_000_000) * 1e9
	for i := range n {
		tr := fmt.Sprintf("%032x", i+1)
		id := func(k int) string { return fmt.Sprintf("%016x", uint64(i)*8+uint64(k)+1) }
		start := t0 + int64(i)*10*ms
		if pdb < 1 && r.Float64() >= pdb {
			feEnd := start + 3*ms
			buf = append(buf,
				sp{"frontend", tr, id(2), id(1), "GET /", 2, start + ms, feEnd},
				sp{"loadgen", tr, id(1), id(0), "GET frontend", 3, start + ms - 100_000, feEnd + 100_000},
				sp{"loadgen", tr, id(0), "", "call", 1, start + ms - 200_000, feEnd + 200_000},
			)
			if len(buf) >= batch {
				flush()
			}
			continue
		}
		dbOwn := int64(r.ExpFloat64() * 10 * float64(ms))
		// db server: wait 1 ms, then work
		dbStart := start + 3*ms
		dbEnd := dbStart + ms + dbOwn
		feEnd := dbEnd + ms
		buf = append(buf,
			sp{"db", tr, id(5), id(4), QueueWaitSpan, 1, dbStart, dbStart + ms},
			sp{"db", tr, id(4), id(3), "GET /q", 2, dbStart, dbEnd},
			sp{"frontend", tr, id(3), id(2), "GET db", 3, dbStart - 100_000, dbEnd + 100_000},
			sp{"frontend", tr, id(2), id(1), "GET /", 2, start + ms, feEnd},
			sp{"loadgen", tr, id(1), id(0), "GET frontend", 3, start + ms - 100_000, feEnd + 100_000},
			sp{"loadgen", tr, id(0), "", "call", 1, start + ms - 200_000, feEnd + 200_000},
		)
		if len(buf) >= batch {
			flush()
		}
	}
	flush()
}

func fitOf(t testing.TB, src string) (*Model, error) {
	t.Helper()
	tr := NewTraces()
	if err := tr.Read(strings.NewReader(src), "in.json"); err != nil {
		return nil, err
	}
	return tr.Finish(Options{})
}

func TestFitKnownSystem(t *testing.T) {
	var b bytes.Buffer
	synth(&b, 3000, 600, 1)
	m, err := fitOf(t, b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Services) != 2 || len(m.Edges) != 1 || len(m.Clients) != 1 {
		t.Fatalf("services %d, edges %d, clients %d", len(m.Services), len(m.Edges), len(m.Clients))
	}
	db := m.Services[0]
	if db.Name != "db" || math.Abs(db.Time.Mean-0.010)/0.010 > 0.06 || db.Time.Family != "exp" {
		t.Errorf("db own time: %+v, want exp with mean 10 ms", db.Time)
	}
	fe := m.Services[1]
	if math.Abs(fe.Time.Mean-0.0028) > 0.0001 {
		t.Errorf("frontend own time mean %v, want 2.8 ms (1.9 ms before the call, 0.9 ms after)", fe.Time.Mean)
	}
	e := m.Edges[0]
	if e.From != "frontend" || e.To != "db" || e.P != 1 || math.Abs(e.OneWay-100e-6) > 1e-6 {
		t.Errorf("edge %+v", e)
	}
	c := m.Clients[0]
	if c.Name != "loadgen" || c.Target != "frontend" || math.Abs(c.Rate-100)/100 > 0.01 || c.MaxAttempts != 1 {
		t.Errorf("client %+v", c)
	}
	if n := len(m.W.Names()); n != 0 {
		t.Errorf("warnings on clean input: %v", m.W.Names())
	}
	loadFitted(t, m, "known")
}

// TestFitEdgeProbability: an edge that 30% of the requests take is
// written with its probability, and the fitted scenario, run, calls it
// from about 30% of the requests.
func TestFitEdgeProbability(t *testing.T) {
	var b bytes.Buffer
	synthP(&b, 4000, 600, 2, 0.3)
	m, err := fitOf(t, b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Edges) != 1 || math.Abs(m.Edges[0].P-0.3) > 0.03 {
		t.Fatalf("edges %+v, want one taken by about 30%% of requests", m.Edges)
	}
	file, src, _ := loadFitted(t, m, "sometimes")
	want := fmt.Sprintf("probability = %.3f", m.Edges[0].P)
	if !strings.Contains(string(src), want) {
		t.Fatalf("fitted scenario lacks %q:\n%s", want, src)
	}
	row := runFitted(t, file, src)
	edge, _ := row.Number("edges.frontend->db.calls")
	served, _ := row.Number("services.frontend.served")
	if served == 0 || math.Abs(edge/served-m.Edges[0].P) > 0.02 {
		t.Errorf("simulated: %v db calls for %v frontend requests, want a share of %.3f", edge, served, m.Edges[0].P)
	}
}

// runFitted runs the base of a fitted scenario loaded from file.
func runFitted(t *testing.T, file string, src []byte) *scenarios.Row {
	t.Helper()
	s, err := scenarios.LoadFile(file, src, scenarios.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenarios.Run(s, scenarios.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &res.Rows[0]
}

// loadFitted writes the fitted scenario and its data files to a new
// directory and loads it from there, as stampede run will.
func loadFitted(t *testing.T, m *Model, name string) (file string, src []byte, files []DataFile) {
	t.Helper()
	src, files = Scenario(m, name)
	dir := t.TempDir()
	file = filepath.Join(dir, name+".toml")
	for _, f := range append(files, DataFile{Name: name + ".toml", Data: src}) {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := scenarios.LoadFile(file, src, scenarios.LoadOptions{}); err != nil {
		t.Fatalf("fitted scenario does not load: %v\n%s", err, src)
	}
	return file, src, files
}

func TestZipkin(t *testing.T) {
	src := `[{"traceId":"a1","id":"1","name":"get","kind":"CLIENT","timestamp":1000000,"duration":30000,"localEndpoint":{"serviceName":"web"},"remoteEndpoint":{"serviceName":"api"}},
{"traceId":"a1","id":"2","parentId":"1","name":"get","kind":"SERVER","timestamp":1001000,"duration":20000,"localEndpoint":{"serviceName":"api"}},
{"traceId":"a2","id":"3","name":"get","kind":"CLIENT","timestamp":2000000,"duration":30000,"localEndpoint":{"serviceName":"web"},"tags":{"error":"timeout"}},
{"traceId":"a2","id":"4","parentId":"3","name":"get","kind":"SERVER","timestamp":2001000,"duration":20000,"localEndpoint":{"serviceName":"api"}}]`
	m, err := fitOf(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Services) != 1 || m.Services[0].Name != "api" || m.Services[0].Requests != 2 {
		t.Fatalf("services %+v", m.Services)
	}
	c := m.Clients[0]
	if c.Name != "web" || c.Calls != 2 || c.OK != 1 || c.Timeouts != 1 || math.Abs(c.Timeout-0.030) > 0.001 {
		t.Errorf("client %+v", c)
	}
}

// TestBadTraces: each bad input is a located error or a named warning
// with its count, never a panic.
func TestBadTraces(t *testing.T) {
	span := func(trace, id, parent, svc string, kind int, start, end int64) string {
		return fmt.Sprintf(`{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},"scopeSpans":[{"spans":[{"traceId":%q,"spanId":%q,"parentSpanId":%q,"name":"op","kind":%d,"startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}`,
			svc, trace, id, parent, kind, start, end)
	}
	good := `{"resourceSpans":[` + span("t1", "a", "", "lg", 3, 1e9, 2e9) + "," + span("t1", "b", "a", "api", 2, 1.1e9, 1.9e9) + `]}`
	errs := []struct{ name, src, want string }{
		{"empty", "", "empty input"},
		{"truncated", good[:len(good)-40], "truncated"},
		{"not JSON", "hello", "not trace JSON"},
		{"not OTLP", `{"resourceMetrics":[]}`, "not OTLP JSON"},
		{"bad time", strings.Replace(good, `"1000000000"`, `"soon"`, 1), "startTimeUnixNano"},
		{"syntax", `{"resourceSpans":[}`, "in.json:1:"},
		{"no ids", `{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x"}]}]}]}`, "no traceId"},
		{"zipkin no ids", `[{"name":"x"}]`, "not a Zipkin v2 span"},
		{"no calls", `{"resourceSpans":[` + span("t1", "b", "", "api", 1, 1e9, 2e9) + `]}`, "no calls"},
	}
	for _, tc := range errs {
		_, err := fitOf(t, tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %q", tc.name, err, tc.want)
		}
	}
	warns := []struct {
		name, src, warn string
		n               int64
	}{
		{"missing parent", `{"resourceSpans":[` + span("t1", "a", "", "lg", 3, 1e9, 2e9) + "," + span("t1", "b", "a", "api", 2, 1.1e9, 1.9e9) + "," + span("t1", "c", "zz", "api", 2, 1.1e9, 1.9e9) + `]}`, WarnMissingParent, 1},
		{"clock skew", `{"resourceSpans":[` + span("t1", "a", "", "lg", 3, 1e9, 2e9) + "," + span("t1", "b", "a", "api", 2, 0.9e9, 1.9e9) + `]}`, WarnClockSkew, 1},
		{"negative", good[:len(good)-2] + "," + span("t2", "x", "", "lg", 3, 2e9, 1e9) + `]}`, WarnNegative, 1},
		{"cycle", `{"resourceSpans":[` + span("t1", "a", "", "lg", 3, 1e9, 2e9) + "," + span("t1", "b", "a", "api", 2, 1.1e9, 1.9e9) + "," + span("t1", "c", "d", "api", 2, 1.1e9, 1.9e9) + "," + span("t1", "d", "c", "api", 1, 1.1e9, 1.9e9) + `]}`, WarnCycle, 0},
	}
	for _, tc := range warns {
		tr := NewTraces()
		if err := tr.Read(strings.NewReader(tc.src), "in.json"); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if _, err := tr.Finish(Options{}); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := tr.W.Count(tc.warn); got < tc.n || (tc.n > 0 && got != tc.n) {
			t.Errorf("%s: warning %s counted %d, want %d", tc.name, tc.warn, got, tc.n)
		}
	}
}

func TestPrometheus(t *testing.T) {
	var w Warnings
	rate := `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"service":"api"},"values":[[1,"100"],[2,"102"],[3,"NaN"],[4,"98"]]}]}}`
	ss, err := ReadPrometheus(strings.NewReader(rate), "rate.json", "", &w)
	if err != nil || len(ss) != 1 || ss[0].Mean() != 100 || w.Count(WarnNaN) != 1 {
		t.Fatalf("rate: %+v, %v, warnings %v", ss, err, w.Names())
	}
	hist := `{"status":"success","data":{"resultType":"matrix","result":[
{"metric":{"service":"api","le":"0.01"},"values":[[1,"50"],[2,"50"],[3,"90"]]},
{"metric":{"service":"api","le":"0.1"},"values":[[1,"90"],[2,"100"],[3,"80"]]},
{"metric":{"service":"api","le":"+Inf"},"values":[[1,"100"],[2,"100"],[3,"100"]]}]}}`
	hs, err := ReadPrometheus(strings.NewReader(hist), "lat.json", "", &w)
	if err != nil || len(hs) != 1 || !hs[0].Histogram() {
		t.Fatalf("hist: %+v, %v", hs, err)
	}
	if w.Count(WarnNonMonotonic) != 1 || hs[0].Skipped != 1 || hs[0].Buckets[2][1] != 200 {
		t.Errorf("non-monotonic step: %+v, warnings %d", hs[0], w.Count(WarnNonMonotonic))
	}
	if q := hs[0].Quantile(0.5); math.Abs(q-0.01) > 1e-9 {
		t.Errorf("p50 = %v, want 0.01 (the first bucket holds exactly half)", q)
	}
	m, err := FromPrometheus(append(ss, hs...), &w, Options{})
	if err != nil || len(m.Services) != 1 {
		t.Fatalf("FromPrometheus: %v", err)
	}
	// The rate replays as recorded, from a data file beside the
	// scenario; the latency is the histogram itself, its +Inf bucket
	// (10 requests above 100 ms) bounded at 2x the last bound, an
	// assumption the scenario and the report name.
	file, src, files := loadFitted(t, m, "p")
	if len(files) != 1 || files[0].Name != "p-api-callers-rate.csv" || !strings.HasSuffix(string(files[0].Data), "t,calls_per_s\n0,100\n1,102\n3,98\n") {
		t.Errorf("rate curve files %q", files)
	}
	for _, want := range []string{`replay.rate_curve = "p-api-callers-rate.csv"`, `service_time = "le(10ms: 100, 100ms: 190, 200ms: 200)"`,
		"# ASSUMPTION to check: the histogram's +Inf bucket holds 10 requests (5.00%) above its last bound 100ms; they are spread evenly up to 200ms"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the scenario lacks %q:\n%s", want, src)
		}
	}
	rep, err := Compare(m, file, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Write(&out)
	if !strings.Contains(out.String(), "assumption: api: the histogram's +Inf bucket holds 10 requests") {
		t.Errorf("the report does not name the assumption:\n%s", out.String())
	}
	for _, bad := range []struct{ src, want string }{
		{`{"status":"error","errorType":"bad_data","error":"parse error"}`, "bad_data"},
		{`{"status":"success","data":{"resultType":"vector","result":[]}}`, "matrix"},
		{`{"status":"success","data":{"resultType":"matrix","result":[]}}`, "empty window"},
		{`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]`, "truncated"},
		{`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"le":"0.1"},"values":[[1,"1"]]}]}}`, "+Inf"},
	} {
		if _, err := ReadPrometheus(strings.NewReader(bad.src), "x.json", "", &w); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: error %v, want %q", bad.src, err, bad.want)
		}
	}
}

func TestFitDist(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		family string
		draw   func() float64
	}{
		{"exp", func() float64 { return r.ExpFloat64() * 0.02 }},
		{"lognormal", func() float64 { return 0.01 * math.Exp(0.8*r.NormFloat64()) }},
		{"erlang", func() float64 { return 0.005 * (r.ExpFloat64() + r.ExpFloat64() + r.ExpFloat64() + r.ExpFloat64()) }},
	} {
		var st stat
		for range 20000 {
			st.add(int64(tc.draw() * 1e9))
		}
		f := fitDist(&st)
		if f.Family != tc.family || f.KS > 0.02 {
			t.Errorf("%s data fitted as %s (%s, KS %.3f; next %s)", tc.family, f.Dist, f.Family, f.KS, f.Runner)
		}
	}
}

// BenchmarkFit1MSpans fits a million spans of OTLP JSON (166,667 calls of
// six spans) streamed from memory; the memory it reports per op is what a
// fit holds, which does not grow with the spans.
func BenchmarkFit1MSpans(b *testing.B) {
	var buf bytes.Buffer
	synth(&buf, 1_000_000/6, 3000, 1)
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	cpu0 := cpuSeconds()
	defer func() { b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op") }()
	for range b.N {
		tr := NewTraces()
		if err := tr.Read(bytes.NewReader(buf.Bytes()), "bench.json"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		// What the fit holds after a million spans, input excluded.
		b.ReportMetric(float64(ms.HeapAlloc-uint64(buf.Cap()))/(1<<20), "held-MB")
		b.StartTimer()
		m, err := tr.Finish(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if m.Spans < 999_000 {
			b.Fatalf("%d spans", m.Spans)
		}
	}
}

// TestFitEmpiricalWhenPoor: bimodal own times (a cache hit at 2 ms, a miss
// at 40 ms) fit no parametric family, so the fit takes the data's own
// histogram, whose draws match the data by the KS distance, and names
// the family it beat; data a family fits keeps that family.
func TestFitEmpiricalWhenPoor(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var st stat
	for range 20000 {
		x := 0.002 * (1 + 0.1*r.NormFloat64())
		if r.Float64() < 0.3 {
			x = 0.04 * (1 + 0.1*r.NormFloat64())
		}
		st.add(int64(x * 1e9))
	}
	f := fitDist(&st)
	if f.Family != "empirical" || f.KS > 0.02 || !strings.Contains(f.Runner, "a poor fit") {
		t.Fatalf("bimodal data fitted as %s (%s, KS %.3f; next %s); want empirical", f.Dist, f.Family, f.KS, f.Runner)
	}
	d, err := sim.ParseDist(f.Dist)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d.Mean()/f.Mean-1) > 0.02 {
		t.Errorf("empirical mean %v, data's %v", d.Mean(), f.Mean)
	}
	var drawn stat
	dr := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		drawn.add(int64(d.Sample(dr)))
	}
	if ks := ksDistance(&drawn.h, bucketsCDFOf(t, &st)); ks > 0.03 {
		t.Errorf("draws from the empirical fit are KS %.3f from the data", ks)
	}
}

func bucketsCDFOf(t *testing.T, st *stat) func(float64) float64 {
	t.Helper()
	_, b, ok := empirical(st)
	if !ok {
		t.Fatal("no empirical fit")
	}
	return bucketsCDF(b)
}

// TestTraceRateCurve: a client whose rate moves replays its 10 s means as
// a rate curve beside the scenario (the first also at 0), which loads.
func TestTraceRateCurve(t *testing.T) {
	m := &Model{W: &Warnings{}, Spans: 1, Window: 30, Services: []Service{{Name: "api", Workers: 4, Queue: -1, Time: Fitted{Dist: "exp(10ms)"}}},
		Clients: []Client{{Name: "lg", Target: "api", Rate: 20, Curve: []float64{10, 30, 20}, CurveStep: 10, MaxAttempts: 1}}}
	_, src, files := loadFitted(t, m, "moving")
	if len(files) != 1 || files[0].Name != "moving-lg-rate.csv" || !strings.HasSuffix(string(files[0].Data), "t,calls_per_s\n0,10\n5,10\n15,30\n25,20\n") {
		t.Errorf("rate curve %q", files)
	}
	if !strings.Contains(string(src), `replay.rate_curve = "moving-lg-rate.csv"`) || strings.Contains(string(src), "\nrate = ") {
		t.Errorf("the client does not replay its curve:\n%s", src)
	}
	m.Clients[0].Steady = true
	if src, files := Scenario(m, "steady"); len(files) != 0 || !strings.Contains(string(src), "\nrate = 20") {
		t.Errorf("a steady client: %d files\n%s", len(files), src)
	}
}

// synthPaths writes n traces of a frontend that, per request, calls db
// and kv both with probability p (neither otherwise) when together, or db
// with probability p and kv otherwise when not.
func synthPaths(w io.Writer, n int, p float64, together bool) {
	r := rand.New(rand.NewPCG(5, 1))
	const ms = int64(1e6)
	t0 := int64(1_700_000_000) * 1e9
	span := func(svc, tr, id, parent, name string, kind int, start, end int64) {
		fmt.Fprintf(w, `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},"scopeSpans":[{"scope":{"name":"t"},"spans":[{"traceId":%q,"spanId":%q,"parentSpanId":%q,"name":%q,"kind":%d,"startTimeUnixNano":"%d","endTimeUnixNano":"%d","status":{}}]}]}]}`+"\n",
			svc, tr, id, parent, name, kind, start, end)
	}
	for i := range n {
		tr := fmt.Sprintf("%032x", i+1)
		id := func(k int) string { return fmt.Sprintf("%016x", uint64(i)*8+uint64(k)+1) }
		start := t0 + int64(i)*10*ms
		var targets []string
		switch hit := r.Float64() < p; {
		case together && hit:
			targets = []string{"db", "kv"}
		case together:
		case hit:
			targets = []string{"db"}
		default:
			targets = []string{"kv"}
		}
		at := start + 2*ms
		for k, to := range targets {
			span(to, tr, id(4+2*k), id(3+2*k), "GET /q", 2, at, at+ms)
			span("frontend", tr, id(3+2*k), id(2), "GET "+to, 3, at-100_000, at+ms+100_000)
			at += 2 * ms
		}
		span("frontend", tr, id(2), id(1), "GET /", 2, start+ms, at)
		span("loadgen", tr, id(1), id(0), "GET frontend", 3, start+ms-100_000, at+100_000)
		span("loadgen", tr, id(0), "", "call", 1, start+ms-200_000, at+200_000)
	}
}

// TestFitPaths: edges that requests take together, or never together,
// are written as the service's paths (weights: the requests that made
// each set), and the fitted scenario keeps them so: db and kv together in
// 30% of the requests give exactly as many kv as db calls in the
// simulation (drawn each on its own, they would differ); db or kv, never
// both, give exactly one call per request.
func TestFitPaths(t *testing.T) {
	for _, together := range []bool{true, false} {
		var b bytes.Buffer
		synthPaths(&b, 4000, 0.3, together)
		m, err := fitOf(t, b.String())
		if err != nil {
			t.Fatal(err)
		}
		fe := m.Services[slices.IndexFunc(m.Services, func(s Service) bool { return s.Name == "frontend" })]
		if len(fe.Paths) != 2 {
			t.Fatalf("together=%v: frontend paths %+v, want 2 sets", together, fe.Paths)
		}
		file, src, _ := loadFitted(t, m, "paths")
		if !strings.Contains(string(src), "paths = [") || strings.Contains(string(src), "probability =") {
			t.Fatalf("together=%v: want paths and no edge probability:\n%s", together, src)
		}
		row := runFitted(t, file, src)
		db, _ := row.Number("edges.frontend->db.calls")
		kv, _ := row.Number("edges.frontend->kv.calls")
		served, _ := row.Number("services.frontend.served")
		share := db / served
		if together && (db != kv || math.Abs(share-0.3) > 0.03) {
			t.Errorf("together: %v db and %v kv calls for %v requests, want equal, about 30%%", db, kv, served)
		}
		if !together && (db+kv != served || math.Abs(share-0.3) > 0.03) {
			t.Errorf("exclusive: %v db + %v kv calls for %v requests, want one each, db about 30%%", db, kv, served)
		}
	}
}

// TestFitPathsLimit: the fit keeps at most as many sets as a service may
// have paths: maxPaths paths load, one more is refused.
func TestFitPathsLimit(t *testing.T) {
	scenario := func(n int) string {
		var b strings.Builder
		b.WriteString("duration = \"1s\"\n[[services]]\nname = \"a\"\nservice_time = \"1ms\"\ncalls = [{ target = \"b\" }]\npaths = [\n")
		for range n {
			b.WriteString("  { weight = 1, calls = [\"b\"] },\n")
		}
		b.WriteString("]\n[[services]]\nname = \"b\"\nservice_time = \"1ms\"\n[[clients]]\nname = \"c\"\ntarget = \"a\"\nrate = 1\n")
		return b.String()
	}
	if _, err := scenarios.Load("ok.toml", []byte(scenario(maxPaths))); err != nil {
		t.Errorf("%d paths: %v", maxPaths, err)
	}
	if _, err := scenarios.Load("over.toml", []byte(scenario(maxPaths+1))); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("at most %d", maxPaths)) {
		t.Errorf("%d paths: %v, want refused", maxPaths+1, err)
	}
	var p pathAgg
	for i := range maxPaths + 5 {
		p.add([]string{fmt.Sprint(i)})
	}
	if sets, over := p.model(); len(sets) != maxPaths || over != 5 {
		t.Errorf("kept %d sets, %d over; want %d and 5", len(sets), over, maxPaths)
	}
}
