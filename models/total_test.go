package models

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// totalByHand is a recorder that keeps the clients' latencies as the
// total's should be: every successful call of every client, merged by
// hand, interval by interval and over the run.
type totalByHand struct {
	w                   *World
	clients             map[*edge]bool
	iv, run             sim.Histogram
	p50, p90, p99, p999 results.Values
}

func (h *totalByHand) callStarted(*call)                  {}
func (h *totalByHand) attemptStep(*attempt, step, Reason) {}

func (h *totalByHand) callDone(c *call, r Reason) {
	if h.clients[c.e] && r == strategies.ReasonOK {
		h.iv.Record(h.w.s.Now().Sub(c.start))
	}
}

func (h *totalByHand) tick(sim.Time) {
	q := func(p float64) float64 {
		if h.iv.Count() == 0 {
			return math.NaN()
		}
		return h.iv.Quantile(p).Seconds()
	}
	h.p50 = append(h.p50, q(0.50))
	h.p90 = append(h.p90, q(0.90))
	h.p99 = append(h.p99, q(0.99))
	h.p999 = append(h.p999, q(0.999))
	h.run.Merge(&h.iv)
	h.iv.Reset()
}

// TestTotalLatencyIsTheClientsMerged holds the total's latency (its
// quantile series and the summary's latency) to the clients' calls
// merged by hand, with one client, whose total World.rollTotal and
// Results copy from the client's instead of merging, and with two,
// whose histograms are merged. A recorder makes no call plain, so each
// world also runs without it, on the fused path: its results must be
// the same bytes.
func TestTotalLatencyIsTheClientsMerged(t *testing.T) {
	for _, rates := range [][]float64{{90}, {60, 30}} {
		cfg := config.Config{
			Duration: 12 * time.Second,
			Interval: time.Second,
			Services: []config.ServiceConfig{{Name: "api", Workers: 2, ServiceTime: d("exp(15ms)")}},
			// no call succeeds from 4s to 7s: those intervals have no latency
			Faults: []config.FaultConfig{{Kind: config.FaultOutage, Target: "api", At: 4 * time.Second, For: 3 * time.Second}},
		}
		for i, r := range rates {
			cfg.Clients = append(cfg.Clients, config.ClientConfig{Name: string(rune('a' + i)), Target: "api", Rate: r})
		}
		w, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		h := &totalByHand{w: w, clients: map[*edge]bool{}}
		for _, c := range w.clients {
			h.clients[c.e] = true
		}
		w.listen(h, hearDone|hearTick)
		if err := w.Run(); err != nil {
			t.Fatal(err)
		}
		res := w.Results()
		tot := res.Series.Total
		same := func(what string, got, want results.Values) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%d clients: total %s has %d intervals, by hand %d", len(rates), what, len(got), len(want))
			}
			nan := 0
			for i := range got {
				if math.IsNaN(want[i]) {
					nan++
				}
				if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
					t.Fatalf("%d clients: total %s[%d] = %v, the clients' merged by hand %v", len(rates), what, i, got[i], want[i])
				}
			}
			if nan == 0 || nan == len(want) {
				t.Fatalf("%d clients: %d of %d intervals have no latency: the test needs both kinds", len(rates), nan, len(want))
			}
		}
		same("p50", tot.P50, h.p50)
		same("p90", tot.P90, h.p90)
		same("p99", tot.P99, h.p99)
		same("p999", tot.P999, h.p999)
		h.run.Merge(&h.iv)
		got, want := res.Summary.Latency, latencyOf(&h.run)
		want.Histogram = histogramOf(&h.run)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if !bytes.Equal(gb, wb) {
			t.Fatalf("%d clients: summary latency\n%s\nthe clients' merged by hand\n%s", len(rates), gb, wb)
		}

		// the same world on the fused path, with no recorder
		plain, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if plain.PlainClients() == 0 {
			t.Fatal("no client is plain without a recorder: the second run tests nothing new")
		}
		if err := plain.Run(); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(res)
		b, _ := json.Marshal(plain.Results())
		if !bytes.Equal(a, b) {
			t.Fatalf("%d clients: the results differ with the recorder and without it", len(rates))
		}
	}
}
