package tui

import (
	"bytes"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/stampede-sim/stampede/plots"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// export writes the charts of the run so far through plots/ to a PNG
// (name-N.png, the first N not taken), in a command: the figure is drawn
// off the Update loop. After interventions its title says the run was
// changed live and its subtitle lists the changes.
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
	title, sub := r.exportTitles()
	marks := r.exportMarks()
	base := fileStem(r.scen.Name)
	dir := r.dir
	r.setNote("exporting…", false)
	return func() tea.Msg {
		fig, err := plots.Timeseries(runs, plots.TimeseriesOptions{Title: title, Subtitle: sub, Marks: marks})
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

// exportMarks are the changes made live, marked on the exported time
// series where they were made. Injected faults are not among them: the
// results carry their windows, drawn as every fault is.
func (r *runState) exportMarks() []plots.Mark {
	var marks []plots.Mark
	for _, iv := range r.sess.Interventions() {
		if iv.Kind == session.Inject {
			continue
		}
		label := strings.TrimPrefix(iv.String(), format.Clock(iv.At)+" ")
		marks = append(marks, plots.Mark{AtS: iv.At.Seconds(), Label: label})
	}
	return marks
}

// exportTitles returns the exported figure's title and subtitle: the
// scenario's title, or after interventions that title "changed live" and
// the changes (the first four), as the timeline lists them.
func (r *runState) exportTitles() (title, sub string) {
	title = r.title()
	ivs := r.sess.Interventions()
	if len(ivs) == 0 {
		return title, ""
	}
	var parts []string
	for i, iv := range ivs {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("%d more", len(ivs)-4))
			break
		}
		parts = append(parts, iv.String())
	}
	return title + ", changed live", "Changes: " + strings.Join(parts, "; ")
}
