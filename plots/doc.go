// Package plots draws stampede's figures from results data with
// gonum.org/v1/plot: the run over time (load, latency, queue, failures)
// with the fault windows shaded, a metric against a swept parameter, a
// stability map over a two-parameter sweep, the latency distribution, and
// small multiples comparing variants. docs/PLOTS.md shows each one.
//
// Each figure is one function from plain data to a *Figure: aligned gonum
// plots (Figure.Panels) plus a title, a legend and keys placed outside the
// data. The caller picks the file name, the format and the size:
//
//	runs := []plots.Run{{Name: "base", Results: r1}, {Name: "deep-queue", Results: r2}}
//	fig, err := plots.Timeseries(runs, plots.TimeseriesOptions{Title: "Retry storm", SLO: 0.2})
//	if err != nil { ... }
//	err = fig.Render(w, plots.SVG, plots.Paper) // or plots.WriteFile("storm.png", fig, plots.Slide)
//
// For a whole batch, FromBatch turns a results.Batch into a Set (ReadSet
// does the same for saved results) and WriteAll writes every figure the
// data allows. plots reads only models/results: never the engine or the
// scenario files.
//
// Type sizes follow the canvas: a figure reads at slide size (10 x 5.625
// in, 1600 x 900 px at 160 dpi) and at paper size (6.5 x 4 in). Variants
// take the colours of the Okabe-Ito palette, which stay distinct under
// the common forms of colour blindness (Okabe and Ito, "Color Universal
// Design", 2008), and line styles and marker shapes carry meaning too.
// Output is deterministic: the same data gives the same bytes.
package plots
