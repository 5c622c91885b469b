package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// Options control a batch run. The zero Options runs every variant at
// every sweep point with the scenario's own seed and replications, on all
// cores, without time series.
type Options struct {
	// Seed, if not nil, replaces the scenario's seed.
	Seed *uint64
	// Set are overrides of the base scenario, "path=value" with the paths
	// and values of a variant's set (the value is TOML; a bare word is a
	// string: clients.users.timeout=250ms). They apply before the
	// variants' own.
	Set []string
	// Variants, if not empty, runs only these variants ("base" included).
	Variants []string
	// Replications, if > 0, replaces the scenario's.
	Replications int
	// Parallel is the number of runs at once. Zero means GOMAXPROCS.
	Parallel int
	// Series keeps the per-interval series of each row (the mean over its
	// replications), for series.csv and plots.
	Series bool
	// Now reads the wall clock, to enforce limits.max_wall. nil means the
	// limit is not enforced (the runner itself never reads the clock).
	Now func() time.Time
	// Progress, if not nil, is called after each run with the runs done
	// and the total, from the goroutine that called Run.
	Progress func(done, total int)
	// Traces records request traces in the first replication of each
	// variant and sweep point (the scenario's [traces], or
	// models.DefaultTraces without one), for Result.WriteTraces. Without
	// it no trace is recorded, whatever the scenario says.
	Traces bool
	// Force runs the batch even if --set makes a run's estimated work
	// exceed MaxWork (see LoadOptions.Force for the file itself).
	Force bool
	// Margin also searches the margin the scenario's [margin] table
	// declares, for the variants it names that run, with Seed and Set,
	// into Result.Margins, and checks the margin claims against it
	// (without it they are left out). A sharded run never searches it.
	Margin bool
	// Rare also makes the estimate the scenario's [rare] table declares,
	// for the variants it names that run, and checks the rare claims
	// against it; without it they are listed as not checked.
	Rare bool
}

// Shard is the I-th (1-based) of N slices of a batch's runs.
type Shard struct {
	I, N int
}

// ParseShard parses "i/n" with 1 <= i <= n.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("shard %q: want i/n with 1 <= i <= n, e.g. 1/4", s)
	}
	return Shard{i, n}, nil
}

// plan is a batch ready to run: the runs are the sweep points x variants x
// replications, indexed (point, variant, replication) row-major.
type plan struct {
	meta     *meta
	variants []*Scenario
	axes     []*Axis
	points   [][]any
	reps     int
	maxWall  time.Duration
	series   bool
	traces   bool
}

func (p *plan) runs() int { return len(p.points) * len(p.variants) * p.reps }

// unit is the shard unit of run i: its (point, replication), so that a
// shard holds every variant of the runs it has.
func (p *plan) unit(i int) int {
	r := i % p.reps
	pt := i / p.reps / len(p.variants)
	return pt*p.reps + r
}

// prepare applies the options to a copy of s and plans the batch.
func prepare(s *Scenario, opts Options) (*plan, error) {
	c := format.Clone(s)
	d := format.NewDecoder(s.File + " (with --set)").WithOpener(s.Open)
	for _, kv := range opts.Set {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			d.Add(format.Pos{}, "--set "+kv, "want path=value, e.g. clients.users.timeout=250ms", nil)
			continue
		}
		val, bad := parseSetValue(v)
		if bad != "" {
			d.Add(format.Pos{}, "--set "+k, bad, nil)
			continue
		}
		d.Set(c, format.Setting{Path: k, Value: val}, format.Path{Disp: "--set " + k})
	}
	if opts.Seed != nil {
		c.Config.Seed = *opts.Seed
	}
	if opts.Replications > 0 {
		c.Replications = opts.Replications
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	if len(opts.Set) > 0 || opts.Replications > 0 {
		c.force = s.force || opts.Force
		c.check(d)
		if err := d.Err(); err != nil {
			return nil, err
		}
	}
	all := []string{BaseName}
	for _, v := range c.Variants {
		all = append(all, v.Name)
	}
	for _, name := range opts.Variants {
		if !slices.Contains(all, name) {
			return nil, fmt.Errorf("--variant %q: no such variant in %s%s", name, s.Name, format.DidYouMean(name, all, "variants"))
		}
	}
	want := func(name string) bool { return len(opts.Variants) == 0 || slices.Contains(opts.Variants, name) }

	p := &plan{reps: c.Replications, maxWall: c.RunLimits.MaxWall, series: opts.Series, traces: opts.Traces}
	m := &meta{
		Version: shardVersion, Scenario: s.Name, File: s.File, Title: c.Title, About: c.About,
		Seed: c.Config.Seed, Replications: c.Replications, Series: opts.Series,
	}
	if want(BaseName) {
		p.variants = append(p.variants, c)
		m.Variants = append(m.Variants, metaVariant{Name: BaseName, About: "the scenario as written"})
	}
	for _, v := range c.Variants {
		if !want(v.Name) {
			continue
		}
		vs, _ := c.withSettings(v.Set, d, format.Path{Disp: "variants[" + v.Name + "]"})
		if err := d.Err(); err != nil || vs == nil {
			return nil, err
		}
		p.variants = append(p.variants, vs)
		m.Variants = append(m.Variants, metaVariant{Name: v.Name, About: v.About})
	}
	p.points = [][]any{nil}
	if sw := c.Sweep; sw != nil {
		for j, a := range []*Axis{sw.X, sw.Y} {
			if a == nil {
				continue
			}
			vals, ok := axisValues(c, a, d, format.Path{Disp: "sweep." + []string{"x", "y"}[j]})
			if !ok {
				return nil, d.Err()
			}
			p.axes = append(p.axes, a)
			m.Axes = append(m.Axes, metaAxis{Path: a.Path, Values: jsonValues(vals)})
			var next [][]any
			for _, pt := range p.points {
				for _, v := range vals {
					next = append(next, append(append([]any(nil), pt...), v))
				}
			}
			p.points = next
		}
	}
	if len(opts.Variants) == 0 {
		// a figure may name any variant: only a run of them all carries
		// the declared figures
		m.Figures = c.Figures
	}
	for _, ex := range c.Expect {
		if !IsMarginMetric(ex.Metric) && !IsRareMetric(ex.Metric) { // checked by searchMargins, RareClaims
			m.Expect = append(m.Expect, metaExpectOf(ex))
		}
	}
	m.Runs = p.runs()
	h := sha256.New()
	h.Write(s.Source)
	fp, _ := json.Marshal(struct {
		Seed         *uint64
		Set          []string
		Variants     []string
		Replications int
		M            *meta
	}{opts.Seed, opts.Set, opts.Variants, opts.Replications, m})
	h.Write(fp)
	m.Fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
	// Round-trip the metadata through JSON, so that a run and a merge of
	// its shards work from identical data.
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	p.meta = &meta{}
	if err := json.Unmarshal(b, p.meta); err != nil {
		return nil, err
	}
	return p, nil
}

// parseSetValue reads a --set value as TOML, or as a bare string; a
// number too large for its kind is not a string but an error, said as
// the second result.
func parseSetValue(v string) (any, string) {
	var m map[string]any
	if _, err := toml.Decode("v = "+v, &m); err == nil {
		return m["v"], ""
	}
	t := strings.TrimSpace(v)
	if _, err := strconv.ParseInt(strings.ReplaceAll(t, "_", ""), 10, 64); errors.Is(err, strconv.ErrRange) {
		if strings.HasPrefix(t, "-") {
			return nil, fmt.Sprintf("%s is out of range: an integer is at least %d", t, math.MinInt64)
		}
		return nil, fmt.Sprintf("%s is out of range: an integer is at most %d", t, math.MaxInt64)
	}
	if _, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64); errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Sprintf("%s is out of range: a number is at most %v in size", t, math.MaxFloat64)
	}
	return t, ""
}

func jsonValues(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		b, _ := json.Marshal(v)
		var x any
		_ = json.Unmarshal(b, &x)
		out[i] = x
	}
	return out
}

// replicationSeed is the seed of replication r: the scenario's seed for
// r = 0, else a SplitMix64 mix of both (independent streams, fixed for a
// given seed).
func replicationSeed(seed uint64, r int) uint64 {
	if r == 0 {
		return seed
	}
	return splitmix(seed ^ splitmix(uint64(r)+0x5851f42d4c957f2d))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// worker is what one goroutine of execute keeps from one run to the
// next: the world of the row (variant and sweep point) it ran last, which
// the row's next replications it runs take instead of cloning the
// scenario and setting the point again (runs do not modify it:
// models.Build copies what it changes, as they share p.variants); and
// its last run's session, done with once its record is made, whose
// memory the next run's world takes (session.NewReusing), so that memory
// stays with the workers instead of going to the collector after each
// run.
type worker struct {
	row  int // of cfg; -1 before the first run
	cfg  config.Config
	prev *session.Session
}

func newWorker() *worker { return &worker{row: -1} }

// config returns the world of run i.
func (p *plan) config(i int, wk *worker) (config.Config, error) {
	r := i % p.reps
	row := i / p.reps
	if row != wk.row {
		v := row % len(p.variants)
		pt := row / len(p.variants)
		c := p.variants[v]
		if len(p.axes) > 0 {
			c = format.Clone(c)
			d := format.NewDecoder(c.File).WithOpener(c.Open)
			for j, a := range p.axes {
				d.Set(c, format.Setting{Path: a.Path, Value: p.points[pt][j]}, format.Path{Disp: "sweep " + a.Path})
			}
			if err := d.Err(); err != nil {
				wk.row = -1
				return config.Config{}, err
			}
		}
		wk.row, wk.cfg = row, c.Config
	}
	cfg := wk.cfg
	cfg.Seed = replicationSeed(cfg.Seed, r)
	return cfg, nil
}

// runRecord is what one run contributes: its summary as a JSON tree and,
// if kept, its series.
type runRecord struct {
	I       int             `json:"i"`
	Stopped string          `json:"stopped,omitempty"`
	Run     runInfo         `json:"run"`
	Summary *jv             `json:"summary"`
	T       results.Values  `json:"t_s,omitempty"`
	Series  []SeriesCol     `json:"series,omitempty"`
	Traces  []results.Trace `json:"traces,omitempty"`
	err     error
}

// runInfo is what a run recorded of itself beyond its summary, for
// figures: its seed, duration, interval and the time it reached (s).
type runInfo struct {
	Seed      uint64  `json:"seed"`
	DurationS float64 `json:"duration_s"`
	IntervalS float64 `json:"interval_s"`
	EndS      float64 `json:"end_s"`
}

func (p *plan) run(i int, opts *Options, wk *worker) *runRecord {
	cfg, err := p.config(i, wk)
	if err != nil {
		return &runRecord{I: i, err: err}
	}
	switch {
	case !p.traces || i%p.reps != 0:
		cfg.Traces = config.TraceConfig{}
	case !cfg.Traces.Enabled():
		cfg.Traces = config.DefaultTraces
	}
	ss, err := session.NewReusing(cfg, wk.prev)
	wk.prev = nil
	if err != nil {
		return &runRecord{I: i, err: err}
	}
	res, stopped := ss.Run(p.maxWall, opts.Now)
	rec := &runRecord{I: i, Stopped: stopped, Summary: summaryTree(&res.Summary), Traces: res.Traces,
		Run: runInfo{Seed: res.Seed, DurationS: res.DurationS, IntervalS: res.IntervalS, EndS: res.EndS}}
	addDerived(rec.Summary, res)
	addCost(rec.Summary, ss.Config(), res) // the world's config: its defaults applied (replicas, workers)
	if p.series {
		rec.T = res.Series.T
		for _, c := range res.Series.Columns() {
			rec.Series = append(rec.Series, SeriesCol(c))
		}
	}
	wk.prev = ss // the record holds nothing of the world's own memory
	return rec
}

// execute runs the runs in idxs on a pool of goroutines and hands their
// records to emit in the order of idxs, whatever order they finish in.
// At most a window of runs is held at once, so memory does not grow with
// the batch. With fewer workers than GOMAXPROCS, execute's own goroutine
// emits, on a core the workers leave free; with as many, the worker whose
// record is the next to go emits it, and those after it that are ready,
// while the others run on: a goroutine beside the workers would take a
// core from them, and wait for one while the window filled. emit and
// opts.Progress are called one at a time.
func (p *plan) execute(idxs []int, opts *Options, emit func(*runRecord) error) error {
	n := len(idxs)
	if n == 0 {
		return nil
	}
	par := opts.Parallel
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	par = min(par, n)
	window := 4 * par
	inline := par >= runtime.GOMAXPROCS(0) // the workers emit
	var (
		mu       sync.Mutex
		cond     = sync.NewCond(&mu)
		ring     = make([]*runRecord, window)
		next     int
		emitted  int
		emitting bool // a worker is emitting
		stop     bool
		err      error
		wg       sync.WaitGroup
	)
	// drain emits the ready records from emitted on; mu is held, and
	// released while each is emitted.
	drain := func() {
		emitting = true
		for !stop && emitted < n && ring[emitted%window] != nil {
			rec := ring[emitted%window]
			ring[emitted%window] = nil
			emitted++
			done := emitted
			cond.Broadcast()
			mu.Unlock()
			e := rec.err
			if e == nil {
				e = emit(rec)
			}
			if e == nil && opts.Progress != nil {
				opts.Progress(done, n)
			}
			mu.Lock()
			if e != nil {
				err, stop = e, true
				cond.Broadcast()
			}
		}
		emitting = false
	}
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := newWorker()
			mu.Lock()
			defer mu.Unlock()
			for {
				for next < n && next >= emitted+window && !stop {
					cond.Wait()
				}
				if next >= n || stop {
					return
				}
				k := next
				next++
				mu.Unlock()
				rec := p.run(idxs[k], opts, wk)
				mu.Lock()
				ring[k%window] = rec
				if !inline {
					cond.Broadcast()
				} else if !emitting {
					drain()
				}
			}
		}()
	}
	if !inline {
		mu.Lock()
		for !stop && emitted < n {
			for !stop && ring[emitted%window] == nil {
				cond.Wait()
			}
			drain()
		}
		mu.Unlock()
	}
	wg.Wait()
	return err
}

// Run runs a scenario's batch (every variant x sweep point x replication)
// and returns its result.
func Run(s *Scenario, opts Options) (*Result, error) {
	p, err := prepare(s, opts)
	if err != nil {
		return nil, err
	}
	idxs := make([]int, p.runs())
	for i := range idxs {
		idxs[i] = i
	}
	a := newAssembler(p.meta)
	if err := p.execute(idxs, &opts, a.add); err != nil {
		return nil, err
	}
	res, err := a.result()
	if err != nil {
		return nil, err
	}
	if opts.Margin && s.Margin != nil {
		if err := res.searchMargins(s, opts); err != nil {
			return nil, err
		}
	}
	if s.HasRareClaims() {
		if err := res.estimateRare(s, opts); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// RunOne runs one world (no variants, sweep or replications) as a
// session to its end, with the wall-clock limit of session.Run, for
// callers that want a single run's full results (plots, the TUI's tests).
func RunOne(cfg config.Config, maxWall time.Duration, now func() time.Time) (*results.Results, string, error) {
	ss, err := session.New(cfg)
	if err != nil {
		return nil, "", err
	}
	res, stopped := ss.Run(maxWall, now)
	return res, stopped, nil
}

// Config returns the world of one variant of s ("base" or a variant's
// name) with its overrides applied, for callers that build a World
// themselves.
func (s *Scenario) VariantConfig(name string) (config.Config, error) {
	if name == BaseName {
		return format.Clone(s).Config, nil
	}
	for _, v := range s.Variants {
		if v.Name == name {
			d := format.NewDecoder(s.File).WithOpener(s.Open)
			vs, _ := s.withSettings(v.Set, d, format.Path{Disp: "variants[" + name + "]"})
			if err := d.Err(); err != nil {
				return config.Config{}, err
			}
			return vs.Config, nil
		}
	}
	names := []string{BaseName}
	for _, v := range s.Variants {
		names = append(names, v.Name)
	}
	return config.Config{}, fmt.Errorf("no variant named %q in %s%s", name, s.Name, format.DidYouMean(name, names, "variants"))
}
