package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/plots"
	"github.com/stampede-sim/stampede/scenarios"
)

type runCmd struct {
	Scenarios    []string `arg:"" name:"scenario" predictor:"scenario" help:"Scenario files or built-in names (stampede list)."`
	JSON         bool     `name:"json" help:"Print the JSON summary instead of the table: one document, with several scenarios {\"schema_version\": 1, \"scenarios\": [...]} (schema: docs/summary.schema.json)."`
	Out          string   `help:"Write summary.json, series.csv and report.md to this directory (a subdirectory per scenario when there are several)." placeholder:"DIR"`
	Seed         *uint64  `help:"Replace the scenario's seed (0 is a seed like any other; a variant that sets its own keeps it)." placeholder:"N"`
	Set          []string `help:"Override a key of the base scenario, e.g. --set clients.users.timeout=250ms (repeatable)." placeholder:"PATH=VALUE" sep:"none"`
	Variant      []string `help:"Run only this variant; \"base\" is the scenario as written (repeatable)." placeholder:"NAME" sep:"none"`
	Replications int      `help:"Runs per variant and sweep point (default: the scenario's replications): replication 0 runs the seed, replication r the seed mixed with r (docs/SCENARIOS.md, Replications and seeds)." placeholder:"N"`
	Parallel     int      `help:"Runs at once (default: every core)." placeholder:"N"`
	Shard        string   `help:"Run only the i-th of n slices of the runs and write it to --out, for stampede merge." placeholder:"i/n"`
	Plots        bool     `help:"With --out, also render every figure the results support (timeseries, latency, compare, sweep, stability) as PNG beside the data."`
	Force        bool     `help:"Run even a scenario whose runs are estimated to be over the limit on a run's work (a fan-out bomb, a duration of weeks: minutes to hours per run)."`
	Baseline     string   `help:"Compare the results with an earlier one (a summary.json or --out directory, as stampede diff does) and exit 1 on a regression beyond the noise and --band." placeholder:"FILE"`
	Band         string   `default:"5%" help:"With --baseline: the smallest relative change flagged (5% or 0.05)." placeholder:"PCT"`
	Margin       bool     `default:"true" negatable:"" help:"Search the margin the scenario's [margin] table declares, for the variants run, into the table, summary and report, and check the margin claims; --no-margin leaves it out (stampede margin searches it alone)."`
	profileFlags `embed:""`
	tableFlags   `embed:""`
	Traces       string `help:"Record request traces (the scenario's [traces], or the 10 slowest and up to 100 failed calls) in the first replication of each variant and write them to FILE: in the Chrome trace event format (open it at ui.perfetto.dev or chrome://tracing), or as OTLP JSON (Jaeger, Tempo, an OpenTelemetry Collector) when FILE ends in .otlp.json or .jsonl, or with --traces-format otlp." placeholder:"FILE"`
	TracesFormat string `name:"traces-format" default:"auto" enum:"auto,chrome,otlp" help:"Format of --traces: chrome, otlp (OTLP JSON, one request per line as the Collector's file exporter writes), or auto (otlp for a name ending in .otlp.json or .jsonl, else chrome)."`
}

// tracesWriter is the writer of --traces' format.
func (c *runCmd) tracesWriter() func(io.Writer, []results.TraceSet) error {
	f := c.TracesFormat
	if f == "auto" || f == "" {
		f = "chrome"
		if name := strings.ToLower(c.Traces); strings.HasSuffix(name, ".otlp.json") || strings.HasSuffix(name, ".jsonl") {
			f = "otlp"
		}
	}
	if f == "otlp" {
		return results.WriteOTLPTraces
	}
	return results.WriteChromeTrace
}

func (c *runCmd) Run(e *env) error { return c.profiled(func() error { return c.run(e) }) }

func (c *runCmd) run(e *env) error {
	if c.Replications < 0 || c.Parallel < 0 {
		return badInput(errors.New("--replications and --parallel must be >= 0"))
	}
	opts := c.options(e)
	table, err := c.tableOptions(e)
	if err != nil {
		return err
	}
	if c.Plots && c.Out == "" {
		return badInput(errors.New("--plots writes figures beside the data: give --out DIR too"))
	}
	if c.Shard != "" {
		return c.runShard(e, opts)
	}
	if err := checkTracesPath(c.Traces); err != nil {
		return badInput(err)
	}
	base, err := c.loadBaseline()
	if err != nil {
		return badInput(err)
	}
	defer stopOnSignal(e.stderr)()
	var set *outputSet
	if c.Out != "" {
		var err error
		if set, err = newOutputSet(c.Out); err != nil {
			return badInput(err)
		}
		defer set.Abort()
	}
	stopped, failed := 0, 0
	var traces []results.TraceSet
	var list *scenarios.JSONList // --json with several scenarios: one document
	if c.JSON && len(c.Scenarios) > 1 {
		list = scenarios.NewJSONList(e.stdout)
	}
	var diffs []*results.Diff
	for i, name := range c.Scenarios {
		s, err := loadScenario(name, c.Force)
		if err != nil {
			return badInput(err)
		}
		o := opts
		o.Series = c.Out != ""
		bar := newProgress(e, s.Name)
		o.Progress = bar.update
		res, err := scenarios.Run(s, o)
		bar.done()
		if err != nil {
			return badInput(err)
		}
		if i > 0 && !c.JSON {
			fmt.Fprintln(e.stdout)
		}
		if list != nil {
			err = list.Add(res)
		} else {
			err = printResult(e, res, c.JSON, table)
		}
		if err != nil {
			return err
		}
		if set != nil {
			dir := set.Dir()
			if len(c.Scenarios) > 1 {
				dir = filepath.Join(dir, s.Name)
			}
			if err := writeOutputs(dir, res); err != nil {
				return badInput(err)
			}
			if c.Plots {
				if err := writePlots(dir, s, res, len(c.Variant) == 0); err != nil {
					return badInput(err)
				}
			}
		}
		if base != nil {
			d, err := base.compare(res, len(c.Scenarios) > 1)
			if err != nil {
				return badInput(err)
			}
			diffs = append(diffs, d)
		}
		stopped += len(res.Stopped)
		failed += len(res.Failed())
		for _, ts := range res.TraceSets() {
			if len(c.Scenarios) > 1 {
				ts.Name = s.Name + " · " + ts.Name
			}
			traces = append(traces, ts)
		}
	}
	if list != nil {
		if err := list.Close(); err != nil {
			return err
		}
	}
	if set != nil {
		if err := set.Commit(); err != nil {
			return badInput(err)
		}
	}
	if c.Traces != "" {
		dir, file := filepath.Split(c.Traces)
		if dir == "" {
			dir = "."
		}
		write := c.tracesWriter()
		if err := writeFileAtomic(dir, file, func(w io.Writer) error { return write(w, traces) }); err != nil {
			return badInput(err)
		}
	}
	if stopped == 1 {
		return badInput(errors.New("1 run was stopped by a limit before its end; its results are partial"))
	}
	if stopped > 1 {
		return badInput(fmt.Errorf("%d runs were stopped by a limit before their end; their results are partial", stopped))
	}
	if base != nil {
		// After the results (on stderr beside --json, which must stay
		// JSON), the comparison; a regression exits 1 like a claim.
		w := e.stdout
		if c.JSON {
			w = e.stderr
		}
		fmt.Fprintln(w)
		width, err := tableWidth(w, c.Width)
		if err != nil {
			return badInput(err)
		}
		if err := writeDiffs(w, diffs, false, width); err != nil {
			if failed > 0 {
				return &exitError{code: exitClaim, err: fmt.Errorf("%w; and %d %s of the scenario do not hold", err, failed, map[bool]string{true: "claim", false: "claims"}[failed == 1])}
			}
			return err
		}
	}
	if failed > 0 {
		return claimsFail(failed, "listed under the table; stampede check lists them alone")
	}
	return nil
}

// claimsFail is the error of a run whose claims do not hold: exit code 1,
// as with stampede check.
func claimsFail(n int, where string) error {
	msg := "a claim of the scenario does not hold"
	if n > 1 {
		msg = fmt.Sprintf("%d claims of the scenario do not hold", n)
	}
	return &exitError{code: exitClaim, err: fmt.Errorf("%s (%s)", msg, where)}
}

// writePlots renders every figure the result supports into dir as PNG at
// slide size (what `stampede plot --figure all` would write): the
// scenario's declared figures (unless declared is false: --variant picked
// some variants, so the defaults are drawn of those), and the defaults
// of the other kinds.
func writePlots(dir string, s *scenarios.Scenario, res *scenarios.Result, declared bool) error {
	b, err := res.Batch()
	if err != nil {
		return err
	}
	set, err := plots.FromBatch(b, "")
	if err != nil {
		return err
	}
	set.Reslot(variantOrder(s))
	if declared {
		set.Specs = figureSpecs(s)
	}
	if _, err = plots.WriteAll(dir, "", set, plots.PNG, plots.Slide); err != nil || len(res.Margins) == 0 {
		return err
	}
	// The margin the [margin] table declares, as stampede margin --plot
	// draws it without a stability map.
	f, err := marginFigure(res.Margins)
	if err != nil {
		return err
	}
	return plots.WriteFile(filepath.Join(dir, "margin.png"), f, plots.Slide)
}

func (c *runCmd) options(e *env) scenarios.Options {
	return scenarios.Options{
		Seed: c.Seed, Set: c.Set, Variants: c.Variant, Replications: c.Replications,
		Parallel: c.Parallel, Now: time.Now, Traces: c.Traces != "", Force: c.Force, Margin: c.Margin,
	}
}

func (c *runCmd) runShard(e *env, opts scenarios.Options) error {
	sh, err := scenarios.ParseShard(c.Shard)
	if err != nil {
		return badInput(err)
	}
	if c.Out == "" {
		return badInput(errors.New("--shard needs --out DIR, where the shard's file goes (then: stampede merge DIR)"))
	}
	if len(c.Scenarios) != 1 {
		return badInput(errors.New("--shard runs one scenario at a time"))
	}
	if c.JSON {
		return badInput(errors.New("--shard writes a shard file, not a summary: merge the shards, then use --json on stampede merge"))
	}
	if c.Traces != "" {
		return badInput(errors.New("--traces records the traces of a whole run: run without --shard"))
	}
	s, err := loadScenario(c.Scenarios[0], c.Force)
	if err != nil {
		return badInput(err)
	}
	opts.Series = true
	bar := newProgress(e, fmt.Sprintf("%s %d/%d", s.Name, sh.I, sh.N))
	opts.Progress = bar.update
	name := scenarios.ShardFileName(sh)
	err = writeFileAtomic(c.Out, name, func(w io.Writer) error { return scenarios.RunShard(s, opts, sh, w) })
	bar.done()
	if err != nil {
		return badInput(err)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(c.Out, name))
	return nil
}

// loadScenario loads a scenario file, or a built-in scenario by name when
// no such file exists; force accepts runs estimated over the limit on
// their work (scenarios.LoadOptions).
func loadScenario(arg string, force bool) (*scenarios.Scenario, error) {
	src, err := os.ReadFile(arg)
	if err == nil {
		return scenarios.LoadFile(arg, src, scenarios.LoadOptions{Force: force})
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if _, berr := scenarios.BuiltinSource(arg); berr != nil {
		if filepath.Ext(arg) != "" || filepath.Base(arg) != arg {
			return nil, err
		}
		return nil, fmt.Errorf("%q is neither a file nor a built-in scenario: %w", arg, berr)
	}
	return scenarios.LoadBuiltin(arg)
}

// printResult prints the table (coloured on a terminal) or the JSON.
func printResult(e *env, res *scenarios.Result, asJSON bool, table scenarios.TableOptions) error {
	if asJSON {
		return res.WriteJSON(e.stdout)
	}
	return res.WriteTable(e.stdout, table)
}

// checkTracesPath refuses, before anything runs, a --traces path that
// cannot be a file.
func checkTracesPath(p string) error { return checkFilePath("--traces", p, "traces.json") }

// checkFilePath refuses, before anything runs, a path given to flag that
// cannot be a file, suggesting example inside it instead.
func checkFilePath(flag, p, example string) error {
	if p == "" {
		return nil
	}
	if st, err := os.Stat(p); (err == nil && st.IsDir()) || strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator)) {
		return fmt.Errorf("%s %s is a directory: give a file name, such as %s", flag, p, filepath.Join(p, example))
	}
	return nil
}

// writeOutputs writes summary.json, series.csv and report.md into dir
// (the directory of an output set, or a scenario's subdirectory of it).
func writeOutputs(dir string, res *scenarios.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"summary.json", res.WriteJSON},
		{"series.csv", res.WriteSeriesCSV},
		{"report.md", res.WriteReport},
	} {
		if err := writeFileAtomic(dir, f.name, f.write); err != nil {
			return err
		}
	}
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// colorOK reports whether to colour output to w: a terminal, and NO_COLOR
// unset (https://no-color.org).
func colorOK(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// progress is a progress bar on a terminal for batches of more than a few
// runs; elsewhere it does nothing.
type progress struct {
	e    *env
	name string
	p    *mpb.Progress
	bar  *mpb.Bar
}

// minRunsForProgress is the smallest batch that gets a progress bar.
const minRunsForProgress = 5

func newProgress(e *env, name string) *progress {
	if !isTerminal(e.stdout) {
		return nil
	}
	return &progress{e: e, name: name}
}

func (b *progress) update(done, total int) {
	if b == nil || total < minRunsForProgress {
		return
	}
	if b.p == nil {
		b.p = mpb.New(mpb.WithOutput(b.e.stdout), mpb.WithWidth(40))
		b.bar = b.p.AddBar(int64(total),
			mpb.PrependDecorators(decor.Name(b.name, decor.WC{C: decor.DindentRight | decor.DextraSpace}),
				decor.CountersNoUnit("%d/%d runs")),
			mpb.AppendDecorators(decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO), "done")),
			mpb.BarRemoveOnComplete())
	}
	b.bar.SetCurrent(int64(done))
}

func (b *progress) done() {
	if b == nil || b.p == nil {
		return
	}
	if !b.bar.Completed() {
		b.bar.Abort(true)
	}
	b.p.Wait()
}
