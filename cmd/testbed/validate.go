package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/fit"
)

// The bars of issue 15: steady state within these of the real system.
const (
	throughputBar = 0.05
	latencyBar    = 0.15
	recoveryBar   = 2.0 // simulated recovery time within this factor of the real one
)

// The what-if: db slows down whatFactor times at whatAt, while clients
// time out after whatTimeout and retry at once, up to whatAttempts
// attempts, with no budget.
const (
	whatFactor   = 4
	whatAt       = 20 * time.Second
	whatAfter    = 40 * time.Second // observed after the slowdown ends
	whatTimeout  = time.Second
	whatAttempts = 3
)

// known are the pool sizes the testbed is configured with, which a fit
// from a calm run cannot see (docs/CALIBRATION.md): given to the what-if
// the way an SRE would give their configuration.
var known = []string{
	fmt.Sprintf("services.frontend.workers=%d", frontWorkers), fmt.Sprintf("services.frontend.queue.limit=%d", frontQueue),
	fmt.Sprintf("services.auth.workers=%d", authWorkers), fmt.Sprintf("services.auth.queue.limit=%d", authQueue),
	fmt.Sprintf("services.db.queue.limit=%d", dbQueue),
}

// measured is what the load generator saw: successful calls per second
// and their latency quantiles (s).
type measured struct {
	throughput, p50, p99 float64
}

func measure(calls []outcome) measured {
	if len(calls) == 0 {
		return measured{}
	}
	first, last := calls[0].start, 0.0
	var lat []float64
	for _, o := range calls {
		first = min(first, o.start)
		last = max(last, o.end)
		if o.ok {
			lat = append(lat, o.end-o.start)
		}
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return math.NaN()
		}
		return lat[min(len(lat)-1, int(math.Ceil(p*float64(len(lat))))-1)]
	}
	return measured{float64(len(lat)) / (last - first), q(0.5), q(0.99)}
}

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("testbed validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", time.Minute, "length of each steady-state run")
	out := fs.String("out", "validate-out", "directory for each run's telemetry, fit and report.md")
	seed := fs.Uint64("seed", 1, "seed of the testbed's arrivals and service times")
	whatIf := fs.Bool("whatif", true, "also check the slowdown what-if below and above its tipping size")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var rep bytes.Buffer
	w := io.MultiWriter(stdout, &rep)
	fmt.Fprintf(w, "### Steady state (%s per level)\n\n", *duration)
	fmt.Fprintf(w, "| level | rate (calls/s) | db utilisation | | throughput (calls/s) | p50 | p99 | verdict |\n|---|---|---|---|---|---|---|---|\n")
	var base []byte
	var baseFile string // where base was written: its data files are beside it
	var capacity float64
	ok := true
	var notes []string
	for i, lvl := range []struct {
		name string
		util float64
	}{{"50", 0.5}, {"85", 0.85}} {
		rate := lvl.util * dbCapacity
		if capacity > 0 {
			rate = lvl.util * capacity
		}
		cfg := config{load: load{rate: rate, duration: *duration, timeout: 2 * time.Second, attempts: 1, seed: *seed + uint64(i)},
			out: filepath.Join(*out, "steady-"+lvl.name), stderr: stderr}
		real, m, src, st, err := runAndFit(cfg)
		if err != nil {
			return err
		}
		if base == nil {
			base, baseFile = src, filepath.Join(cfg.out, "fitted.toml")
		}
		db := fitted(m, "db")
		// The real capacity: the nominal service time plus what the
		// sleep and the HTTP stack add, as the fit measured it.
		capacity = float64(db.Workers) / db.Time.Mean
		// Simulated 5 times as long as the real run, so that the
		// simulator's own sampling noise is small beside the real one's.
		long := fmt.Sprintf("duration=%ds", int(5*math.Ceil(m.Window)))
		r, err := fit.Compare(m, filepath.Join(cfg.out, "fitted.toml"), src, []string{long})
		if err != nil {
			return err
		}
		sim := r.Rows[0].Sim
		good := within(sim.Throughput, real.throughput, throughputBar) && within(sim.P50, real.p50, latencyBar) && within(sim.P99, real.p99, latencyBar)
		ok = ok && good
		fmt.Fprintf(w, "| %s%% | %.1f | %.0f%% (fitted: %.1f/s x %s / %d workers) | real | %.1f | %s | %s | |\n",
			lvl.name, rate, 100*m.Clients[0].Rate*db.Time.Mean/float64(db.Workers), m.Clients[0].Rate, ms(db.Time.Mean), db.Workers,
			real.throughput, ms(real.p50), ms(real.p99))
		fmt.Fprintf(w, "| | | | simulated | %.1f (%+.1f%%) | %s (%+.0f%%) | %s (%+.0f%%) | %s |\n",
			sim.Throughput, pct(sim.Throughput, real.throughput), ms(sim.P50), pct(sim.P50, real.p50), ms(sim.P99), pct(sim.P99, real.p99), verdict(good))
		notes = append(notes, fmt.Sprintf("%s%%: %s", lvl.name, st))
	}
	fmt.Fprintf(w, "\nBars: throughput within %.0f%%, p50 and p99 within %.0f%% of the real system's, as its load generator measured them; simulated 5 times as long.\n",
		100*throughputBar, 100*latencyBar)
	fmt.Fprintf(w, "\nThe machine while the testbed ran (a 10 ms sleep late by more than %s is a stall of the whole process): %s.\n", stallOver, strings.Join(notes, "; "))
	if *whatIf {
		good, err := validateWhatIf(w, stderr, baseFile, base, capacity, *out, *seed)
		if err != nil {
			return err
		}
		ok = ok && good
	}
	if err := os.WriteFile(filepath.Join(*out, "report.md"), rep.Bytes(), 0o644); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("validation failed: see the report (%s)", filepath.Join(*out, "report.md"))
	}
	return nil
}

func (s stalls) String() string {
	out := fmt.Sprintf("%d stalls", s.n)
	if s.n > 0 {
		out += fmt.Sprintf(" (%s in all, the worst %s)", s.sum.Round(time.Millisecond), s.worst.Round(time.Millisecond))
	}
	if s.load != "" {
		out += ", load average " + s.load
	}
	return out
}

// runAndFit runs the testbed and fits its traces.
func runAndFit(cfg config) (measured, *fit.Model, []byte, stalls, error) {
	res, err := runSystem(cfg)
	if err != nil {
		return measured{}, nil, nil, stalls{}, err
	}
	path := filepath.Join(cfg.out, "traces.otlp.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return measured{}, nil, nil, stalls{}, err
	}
	defer f.Close()
	t := fit.NewTraces()
	if err := t.Read(f, path); err != nil {
		return measured{}, nil, nil, stalls{}, err
	}
	m, err := t.Finish(fit.Options{})
	if err != nil {
		return measured{}, nil, nil, stalls{}, err
	}
	m.Inputs = []string{path}
	src, files := fit.Scenario(m, "fitted")
	for _, f := range append(files, fit.DataFile{Name: "fitted.toml", Data: src}) {
		if err := os.WriteFile(filepath.Join(cfg.out, f.Name), f.Data, 0o644); err != nil {
			return measured{}, nil, nil, stalls{}, err
		}
	}
	return measure(res.calls), m, src, res.stall, nil
}

func fitted(m *fit.Model, name string) fit.Service {
	for _, s := range m.Services {
		if s.Name == name {
			return s
		}
	}
	return fit.Service{Workers: 1, Time: fit.Fitted{Mean: 1}}
}

func within(sim, real, bar float64) bool {
	return !math.IsNaN(sim) && real > 0 && math.Abs(sim/real-1) <= bar
}

func pct(sim, real float64) float64 { return 100 * (sim/real - 1) }

func verdict(ok bool) string {
	if ok {
		return "**pass**"
	}
	return "**FAIL**"
}

func ms(s float64) string {
	if math.IsNaN(s) {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", 1000*s)
}

// whatIfScenario is the fitted baseline with the slowdown of db for
// length, the what-if's client policy and the known pool sizes.
// A rate > 0 replaces the fitted client's.
func whatIfScenario(base []byte, length time.Duration, attempts int, rate float64) ([]byte, []string) {
	src, _, _ := strings.Cut(string(base), "\n[[expect]]")
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "duration = ") {
			lines[i] = fmt.Sprintf("duration = %q", (whatAt + length + whatAfter).String())
		}
	}
	src = strings.Join(lines, "\n") + fmt.Sprintf("\n[[faults]]\nkind = \"slowdown\"\ntarget = \"db\"\nat = %q\nfor = %q\nfactor = %d\n",
		whatAt.String(), length.String(), whatFactor)
	set := append([]string{"clients.loadgen.timeout=" + whatTimeout.String(),
		fmt.Sprintf("clients.loadgen.retry.attempts=%d", attempts), "clients.loadgen.retry.backoff=none"}, known...)
	if rate > 0 {
		set = append(set, fmt.Sprintf("clients.loadgen.rate=%g", rate))
	}
	return []byte(src), set
}

// simulate runs the what-if on base, the fitted scenario written at file,
// at length with seeds 1..n: the fraction that recovered and their mean
// recovery time (NaN if none did).
func simulate(file string, base []byte, length time.Duration, attempts int, rate float64, n int) (float64, float64, error) {
	src, set := whatIfScenario(base, length, attempts, rate)
	s, err := scenarios.LoadFile(filepath.Join(filepath.Dir(file), "whatif.toml"), src, scenarios.LoadOptions{})
	if err != nil {
		return 0, 0, err
	}
	rec, sum := 0, 0.0
	for seed := uint64(1); seed <= uint64(n); seed++ {
		res, err := scenarios.Run(s, scenarios.Options{Seed: &seed, Set: set, Variants: []string{"base"}, Parallel: 1})
		if err != nil {
			return 0, 0, err
		}
		if v, _ := res.Rows[0].Value("recovered"); v == true {
			rec++
			t, _ := res.Rows[0].Value("recovery_s")
			sum += t.(float64)
		}
	}
	mean := math.NaN()
	if rec > 0 {
		mean = sum / float64(rec)
	}
	return float64(rec) / float64(n), mean, nil
}

// realRecovery judges the real run as stampede judges a simulated one
// (docs/SCENARIOS.md, [recovery] defaults): goodput per 1 s interval (calls
// that succeeded, by the end of the call), baseline over [at/5, at), and
// recovered at the first interval start t >= the end of the slowdown
// from which 10 s of goodput average at least 90% of the baseline.
func realRecovery(calls []outcome, at, end, total time.Duration) (bool, float64, float64) {
	n := int(total / time.Second)
	good := make([]float64, n)
	for _, o := range calls {
		if k := int(o.end); o.ok && k >= 0 && k < n {
			good[k]++
		}
	}
	var base float64
	from, to := int(at/time.Second)/5, int(at/time.Second)
	for _, g := range good[from:to] {
		base += g
	}
	base /= float64(to - from)
	const hold = 10
	for t := int(math.Ceil(end.Seconds())); t+hold <= n; t++ {
		var s float64
		for _, g := range good[t : t+hold] {
			s += g
		}
		if s/hold >= 0.9*base {
			return true, float64(t) - end.Seconds(), base
		}
	}
	return false, math.NaN(), base
}
