package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/scenarios/fit"
)

type fitCmd struct {
	Traces   []string      `arg:"" optional:"" name:"traces" type:"existingfile" help:"Trace files: OTLP JSON (as the Collector's file exporter writes it) or Zipkin v2 JSON."`
	Prom     []string      `help:"A Prometheus query_range answer (JSON): request rates, or latency histograms (series with le); concurrency:FILE for in-flight gauges (repeatable)." placeholder:"FILE"`
	Out      string        `short:"o" default:"fitted.toml" help:"Where to write the fitted scenario ('-' for stdout)." placeholder:"FILE"`
	Workers  []string      `help:"A service's worker count, when you know it better than the traces (repeatable)." placeholder:"SERVICE=N"`
	Queue    []string      `help:"A service's queue limit (-1: unbounded), which traces cannot show (repeatable)." placeholder:"SERVICE=N"`
	Wait     time.Duration `default:"30s" help:"How long after a trace's last span (in span time) it counts as complete."`
	NoReport bool          `help:"Write the scenario without simulating it for the fit report."`
	Width    *int          `help:"Lay the fit report out in N columns, leaving out p90, then p50, then the kind (0: no limit; default: the terminal's width, else $COLUMNS, else no limit)." placeholder:"N"`
}

func (c *fitCmd) Run(e *env) error {
	if len(c.Traces) == 0 && len(c.Prom) == 0 {
		return badInput(errors.New("fit: give trace files (OTLP or Zipkin JSON) and/or --prom query_range answers"))
	}
	var opts fit.Options
	var err error
	if opts.Workers, err = serviceInts("--workers", c.Workers, 1); err != nil {
		return badInput(err)
	}
	if opts.Queue, err = serviceInts("--queue", c.Queue, -1); err != nil {
		return badInput(err)
	}
	t := fit.NewTraces()
	t.Wait = c.Wait
	var series []fit.Series
	for _, p := range c.Prom {
		role := ""
		if r, file, ok := strings.Cut(p, ":"); ok && (r == fit.RoleRate || r == fit.RoleConcurrency) {
			role, p = r, file
		}
		f, err := os.Open(p)
		if err != nil {
			return badInput(err)
		}
		s, err := fit.ReadPrometheus(f, p, role, &t.W)
		f.Close()
		if err != nil {
			return badInput(err)
		}
		series = append(series, s...)
	}
	var m *fit.Model
	if len(c.Traces) > 0 {
		for _, p := range c.Traces {
			f, err := os.Open(p)
			if err != nil {
				return badInput(err)
			}
			err = t.Read(f, p)
			f.Close()
			if err != nil {
				return badInput(err)
			}
		}
		if m, err = t.Finish(opts); err != nil {
			return badInput(fmt.Errorf("fit: %w", err))
		}
		m.Inputs = c.Traces
	} else if m, err = fit.FromPrometheus(series, &t.W, opts); err != nil {
		return badInput(fmt.Errorf("fit: %w", err))
	}
	m.Metrics = series
	m.Inputs = append(m.Inputs, c.Prom...)
	name := strings.TrimSuffix(filepath.Base(c.Out), filepath.Ext(c.Out))
	if c.Out == "-" {
		name = "fitted"
	}
	src, files := fit.Scenario(m, name)
	m.W.Write(e.stderr, "stampede fit: ")
	// The data files (rate curves) go beside the scenario, which names
	// them relative to itself: beside -o FILE, or in the current
	// directory for stdout.
	dir := "."
	if c.Out != "-" {
		dir = filepath.Dir(c.Out)
	}
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
		if c.Out == "-" {
			fmt.Fprintf(e.stderr, "stampede fit: wrote %s (the scenario names it)\n", p)
		}
	}
	if c.Out == "-" {
		if _, err := e.stdout.Write(src); err != nil {
			return err
		}
	} else {
		if err := os.WriteFile(c.Out, src, 0o644); err != nil {
			return err
		}
		what := fmt.Sprintf("%d spans in %d traces", m.Spans, m.Traces)
		if m.Spans == 0 {
			what = fmt.Sprintf("%d Prometheus series", len(series))
		}
		also := ""
		for _, f := range files {
			also += ", " + filepath.Join(dir, f.Name)
		}
		fmt.Fprintf(e.stdout, "fitted %s (%.1f s): %d services, %d edges, %d clients -> %s%s\n",
			what, m.Window, len(m.Services), len(m.Edges), len(m.Clients), c.Out, also)
	}
	if c.NoReport {
		return nil
	}
	file := c.Out
	if file == "-" {
		file = "fitted.toml"
	}
	rep, err := fit.Compare(m, file, src, nil)
	if err != nil {
		return err
	}
	out := e.stdout
	if c.Out == "-" {
		out = e.stderr
	}
	width, err := tableWidth(out, c.Width)
	if err != nil {
		return badInput(err)
	}
	var b bytes.Buffer
	rep.WriteWidth(&b, width)
	_, err = out.Write(b.Bytes())
	return err
}

// serviceInts reads SERVICE=N flags.
func serviceInts(flag string, vals []string, least int) (map[string]int, error) {
	m := map[string]int{}
	for _, v := range vals {
		name, n, ok := strings.Cut(v, "=")
		x, err := strconv.Atoi(n)
		if !ok || name == "" || err != nil || x < least || x > 1_000_000 {
			return nil, fmt.Errorf("%s %q: want SERVICE=N with N in [%d, 1000000]", flag, v, least)
		}
		m[name] = x
	}
	return m, nil
}
