package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/plots"
	"github.com/stampede-sim/stampede/scenarios"
)

type plotCmd struct {
	Input   string        `arg:"" predictor:"scenario" help:"Scenario file, built-in name, saved results (.json), or the --out directory of stampede run."`
	Out     string        `short:"o" placeholder:"FILE" help:"Output file; its extension (.png, .svg, .pdf) sets the format. With --figure all: a directory, or a prefix ending in - or _, or a file name whose stem becomes the prefix. Default: <input>-<figure>.png here."`
	Figure  string        `default:"all" help:"Figure to draw: timeseries, sweep, stability, latency, compare, the name of one the scenario declares in [[figures]], or all (every one the data allows)."`
	Variant []string      `sep:"none" placeholder:"NAME" help:"Draw only this variant (repeatable); default all."`
	Size    string        `default:"slide" help:"slide (10x5.625 in, 1600x900 px), paper (6.5x4 in, 300 dpi), or WxH in px (1200x800) or with a unit (8x5in, 16x10cm)."`
	DPI     int           `name:"dpi" help:"Pixels per inch of PNG output (default 160; paper 300)."`
	SLO     time.Duration `name:"slo" placeholder:"DURATION" help:"Latency objective to draw on latency panels, e.g. 200ms."`
	Client  string        `placeholder:"NAME" help:"Draw only this client's calls in the time series and the latency distribution; default all clients together."`
	Service string        `placeholder:"NAME" help:"Service whose queue the time series draws; default the first."`
	Force   bool          `help:"Run even a scenario whose runs are estimated to be over the limit on a run's work."`
	Metric  string        `placeholder:"PATH" help:"Summary metric the sweep figure draws against the swept parameter (goodput, latency_s.p99, amplification, recovery_s, services.NAME.utilization, ...). Default goodput."`
}

func (c *plotCmd) Run(e *env) error {
	size, err := plots.ParseSize(c.Size, c.DPI)
	if err != nil {
		return badInput(err)
	}
	set, stem, err := c.load()
	if err != nil {
		return err
	}
	if c.SLO < 0 {
		return badInput(fmt.Errorf("--slo %v: must not be negative", c.SLO))
	}
	if c.SLO > 0 {
		set.SLO = c.SLO.Seconds()
	}
	if err := selectVariants(set, c.Variant); err != nil {
		return badInput(err)
	}
	set.Client, set.Service = c.Client, c.Service
	if len(c.Variant) > 0 || c.Client != "" || c.Service != "" || c.Metric != "" {
		// Filters ask for the default figures, narrowed: the scenario's
		// declared figures have filters of their own.
		set.Specs = nil
	}
	if err := set.CheckFilters(); err != nil {
		return badInput(err)
	}

	if c.Figure != "all" {
		fig, err := set.Figure(c.Figure)
		if err != nil {
			return badInput(err)
		}
		out := c.Out
		if out == "" {
			out = stem + "-" + c.Figure + ".png"
		}
		if _, err := plots.FormatOf(out); err != nil {
			return badInput(fmt.Errorf("-o %s: %w", out, err))
		}
		if err := plots.WriteFile(out, fig, size); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, out)
		return nil
	}
	dir, prefix, format, err := allTarget(c.Out, stem)
	if err != nil {
		return badInput(err)
	}
	paths, err := plots.WriteAll(dir, prefix, set, format, size)
	for _, p := range paths {
		fmt.Fprintln(e.stdout, p)
	}
	if err != nil {
		return err
	}
	return nil
}

// load reads the input: saved results (a .json file) or a scenario to run.
// stem names default outputs.
func (c *plotCmd) load() (*plots.Set, string, error) {
	input := c.Input
	if fi, err := os.Stat(input); err == nil && fi.IsDir() {
		input = filepath.Join(input, "summary.json") // stampede run --out DIR
	}
	stem := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
	if strings.EqualFold(filepath.Ext(input), ".json") {
		b, err := os.ReadFile(input)
		if err != nil {
			return nil, "", badInput(err)
		}
		set, err := plots.ReadSet(bytes.NewReader(b), stem)
		if err != nil {
			return nil, "", badInput(fmt.Errorf("%s: %w", input, err))
		}
		// The series.csv written beside a summary gives the time series.
		if csv, err := os.ReadFile(filepath.Join(filepath.Dir(input), "series.csv")); err == nil && len(set.Runs) > 0 && len(set.Runs[0].Results.Series.T) == 0 {
			if err := set.AddSeriesCSV(bytes.NewReader(csv)); err != nil {
				return nil, "", badInput(err)
			}
		}
		if stem == "summary" {
			stem = filepath.Base(filepath.Dir(input))
		}
		return set, stem, nil
	}
	s, err := loadScenario(c.Input, c.Force)
	if err != nil {
		return nil, "", badInput(err)
	}
	res, err := scenarios.Run(s, scenarios.Options{Variants: c.Variant, Series: true, Now: time.Now, Force: c.Force})
	if err != nil {
		return nil, "", badInput(err)
	}
	b, err := res.Batch()
	if err != nil {
		return nil, "", badInput(err)
	}
	set, err := plots.FromBatch(b, c.Metric)
	if err != nil {
		return nil, "", badInput(err)
	}
	set.Reslot(variantOrder(s))
	set.Specs = figureSpecs(s)
	return set, s.Name, nil
}

// selectVariants keeps the runs named in names (all when empty), in the
// order of the results so colours match across figures.
func selectVariants(set *plots.Set, names []string) error {
	if err := set.Select(names); err != nil {
		return fmt.Errorf("--variant: %w", err)
	}
	return nil
}

// variantOrder is the scenario's variants, base first: the colour slots
// of the figures, whichever variants ran.
func variantOrder(s *scenarios.Scenario) []string {
	order := []string{scenarios.BaseName}
	for _, v := range s.Variants {
		order = append(order, v.Name)
	}
	return order
}

// figureSpecs are the figures a scenario declares, as plots draws them.
func figureSpecs(s *scenarios.Scenario) []plots.Spec {
	var out []plots.Spec
	for _, f := range s.Figures {
		out = append(out, plots.Spec{
			Name: f.Name, Kind: f.Kind, Title: f.Title, Subtitle: f.Subtitle,
			Variants: f.Variants, Client: f.Client, Service: f.Service, Edge: f.Edge,
			Metric: f.Metric, YLabel: f.YLabel, XMetric: f.XMetric, XLabel: f.XLabel,
		})
	}
	return out
}

// allTarget interprets -o for --figure all: a directory (an existing one,
// one ending in a separator, or a name without extension), a prefix (ends
// in - or _), or a file name whose stem becomes the prefix and whose
// extension the format.
func allTarget(out, stem string) (dir, prefix string, format plots.Format, err error) {
	format = plots.PNG
	switch {
	case out == "":
		return ".", stem + "-", format, nil
	case strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)):
		return out, "", format, nil
	case strings.HasSuffix(out, "-") || strings.HasSuffix(out, "_"):
		return filepath.Dir(out), filepath.Base(out), format, nil
	}
	if fi, statErr := os.Stat(out); statErr == nil && fi.IsDir() {
		return out, "", format, nil
	}
	if filepath.Ext(out) == "" {
		return out, "", format, nil
	}
	format, err = plots.FormatOf(out)
	if err != nil {
		return "", "", "", fmt.Errorf("-o %s: %w", out, err)
	}
	base := strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))
	return filepath.Dir(out), base + "-", format, nil
}
