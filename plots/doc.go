// Package plots draws stampede's figures from results data with
// gonum.org/v1/plot: time series of a run (load, latency, queue, failures)
// with the fault windows shaded, a metric against a swept parameter, a
// stability map over a two-parameter sweep, the latency distribution, and
// small multiples comparing variants.
//
// Each figure is one function from plain data to a *Figure (a set of
// aligned gonum plots plus a title, a shared legend and keys placed
// outside the data). The caller picks the file name, the format and the
// size:
//
//	runs := []plots.Run{{Name: "no retries", Results: r1}, {Name: "3 retries", Results: r2}}
//	fig, err := plots.Timeseries(runs, plots.TimeseriesOptions{Title: "Retry storm"})
//	if err != nil { ... }
//	err = fig.Render(w, plots.SVG, plots.Slide, 0)
//
// Type sizes follow the canvas: a figure reads at slide size (10 x 5.625
// in, 1600 x 900 px at 160 dpi) and at paper size (6.5 x 4 in). Colours
// come from the Okabe-Ito palette, which stays distinct under the common
// forms of colour blindness (Okabe and Ito, "Color Universal Design",
// 2008). Output is deterministic: the same data gives the same bytes.
package plots
