package models

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
)

func TestSummaryJSONContract(t *testing.T) {
	// The summary's JSON is issue 5's contract: these keys, in this order,
	// never renamed.
	cfg := oneService(10, "10ms", 10*time.Second)
	cfg.Clients[0].Timeout = 5 * time.Millisecond
	_, r := run(t, cfg)
	b, err := json.Marshal(&r.Summary)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	order := []string{`"calls":`, `"attempts":`, `"amplification":`, `"succeeded":`, `"failed":{"timeout":99}`,
		`"goodput":`, `"throughput":`, `"latency_s":{"mean":`, `"p50":`, `"p90":`, `"p99":`, `"p999":`,
		`"recovered":null`, `"recovery_s":null`, `"services":{"api":{"utilization":`, `"served":`, `"rejected":`,
		`"wasted_work":`, `"wait_s":{"mean":`, `"in_system":{"mean":`, `"queue_length":{"mean":`, `"max":`}
	// Every call timed out: no latency, null rather than 0 (issue 13
	// item 8).
	if want := `"latency_s":{"mean":null,"p50":null,"p90":null,"p99":null,"p999":null,"max":null}`; !strings.Contains(js, want) {
		t.Errorf("no call succeeded, yet the latency is not null: %s", js)
	}
	at := 0
	for _, k := range order {
		i := strings.Index(js[at:], k)
		if i < 0 {
			t.Fatalf("key %s missing or out of order in %s", k, js)
		}
		at += i + len(k)
	}
	// Every Metric name is a path into the JSON.
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Summary.Metrics() {
		var v any = generic
		for _, part := range splitMetric(m.Name) {
			obj, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("metric %s: %v is not an object", m.Name, v)
			}
			v = obj[part]
		}
		if v == nil && math.IsNaN(m.Value) {
			continue // nothing to measure: null
		}
		if f, ok := v.(float64); !ok || math.Abs(f-m.Value) > 1e-12*math.Max(1, math.Abs(f)) {
			t.Errorf("metric %s = %v, JSON has %v", m.Name, m.Value, v)
		}
	}
}

// TestLatencyHistogram: the summary's histogram, in total and per client,
// holds every successful call, in increasing buckets that end at or above
// the maximum; edges carry none.
func TestLatencyHistogram(t *testing.T) {
	cfg := oneService(200, "exp(2ms)", 20*time.Second)
	cfg.Services[0].Calls = []config.CallConfig{{Target: "db"}}
	cfg.Services = append(cfg.Services, config.ServiceConfig{Name: "db", Workers: 4, ServiceTime: d("exp(1ms)")})
	second := cfg.Clients[0]
	second.Name, second.Rate = "batch", 20
	cfg.Clients = append(cfg.Clients, second)
	_, r := run(t, cfg)
	check := func(name string, l results.Latency, succeeded int64) {
		t.Helper()
		var n float64
		prev := 0.0
		for _, b := range l.Histogram {
			if b[0] <= prev || b[1] < 1 || b[1] != math.Trunc(b[1]) {
				t.Fatalf("%s: bucket %v after bound %v", name, b, prev)
			}
			prev = b[0]
			n += b[1]
		}
		if succeeded == 0 || n != float64(succeeded) || prev < l.Max || prev > l.Max*(1+1.0/64) {
			t.Errorf("%s: histogram of %v calls up to %vs, want %d up to the max %vs", name, n, prev, succeeded, l.Max)
		}
	}
	check("total", r.Summary.Latency, int64(r.Summary.Succeeded))
	for name, c := range r.Summary.Clients {
		check(name, c.Latency, int64(c.Succeeded))
	}
	for name, e := range r.Summary.Edges {
		if e.Succeeded == 0 || e.Latency.Histogram != nil {
			t.Errorf("edge %s: %d successes, histogram %v; want successes and no histogram", name, e.Succeeded, e.Latency.Histogram)
		}
	}
	b, err := json.Marshal(&r.Summary.Latency)
	if err != nil || !strings.Contains(string(b), `"histogram":[[`) {
		t.Errorf("latency JSON %.200s: no histogram (%v)", b, err)
	}
}

// splitMetric splits a metric name at dots (names cannot hold one).
func splitMetric(name string) []string { return strings.Split(name, ".") }

func TestValuesNaNIsNull(t *testing.T) {
	v := results.Values{1, math.NaN(), 2.5}
	b, err := json.Marshal(v)
	if err != nil || string(b) != "[1,null,2.5]" {
		t.Fatalf("%s %v", b, err)
	}
	var back results.Values
	if err := json.Unmarshal(b, &back); err != nil || back[0] != 1 || !math.IsNaN(back[1]) || back[2] != 2.5 {
		t.Fatalf("%v %v", back, err)
	}
}

func TestSeriesCSV(t *testing.T) {
	cfg := oneService(10, "10ms", 3*time.Second)
	_, r := run(t, cfg)
	var b bytes.Buffer
	if err := r.WriteSeriesCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if lines[0] != "t_s,kind,name,metric,value" {
		t.Errorf("header %q", lines[0])
	}
	for _, want := range []string{"0,total,total,offered,9", "1,client,c,goodput,10", "2,service,api,utilization,0.1"} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("missing row %q", want)
		}
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back results.Results
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Summary.Calls != r.Summary.Calls || len(back.Series.Clients[0].P99) != 3 {
		t.Errorf("JSON round trip lost data")
	}
}
