package tui

import (
	"bytes"

	tea "charm.land/bubbletea/v2"

	"github.com/stampede-sim/stampede/plots"
)

// export writes the charts of the run so far through plots/ to a PNG
// (name-N.png, the first N not taken), in a command: the figure is drawn
// off the Update loop.
func (r *runState) export() tea.Cmd {
	var runs []plots.Run
	for i, w := range r.sess.Sessions() {
		res := w.Results()
		if len(res.Series.T) == 0 {
			r.setNote("export: no interval has closed yet", true)
			return nil
		}
		runs = append(runs, plots.Run{Name: r.sess.Names()[i], Results: res})
	}
	title := r.title()
	base := fileStem(r.scen.Name)
	dir := r.dir
	r.setNote("exporting…", false)
	return func() tea.Msg {
		fig, err := plots.Timeseries(runs, plots.TimeseriesOptions{Title: title})
		if err != nil {
			return writtenMsg{what: "export", err: err}
		}
		var buf bytes.Buffer
		if err := fig.Render(&buf, plots.PNG, plots.Slide); err != nil {
			return writtenMsg{what: "export", err: err}
		}
		path, err := writeNew(dir, base, ".png", buf.Bytes())
		return writtenMsg{what: "export", path: path, err: err}
	}
}
