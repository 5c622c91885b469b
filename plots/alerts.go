package plots

import (
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stampede-sim/stampede/models/results"
)

// alertLane is one run's alert firings over time: the intervals during
// which any page fired, and those during which any ticket fired (s).
type alertLane struct {
	color          color.Color
	pages, tickets [][2]float64
}

// alertLanes returns one lane per run from the alert summaries (every SLO
// and rule; a firing still on at the end lasts to the run's end), or nil
// when no run has alert rules.
func alertLanes(runs []Run) []alertLane {
	any := false
	lanes := make([]alertLane, len(runs))
	for i, r := range runs {
		lanes[i].color = VariantColor(slotOf(runs, i))
		al := r.Results.Summary.Alerts
		if al == nil {
			continue
		}
		any = true
		end := runEnd(r.Results)
		for _, slo := range sortedKeys(al) {
			rules := al[slo]
			for _, name := range sortedKeys(rules) {
				a := rules[name]
				for _, f := range a.Fires {
					iv := [2]float64{f.StartS, end}
					if f.EndS != nil {
						iv[1] = *f.EndS
					}
					if a.Severity == results.Ticket {
						lanes[i].tickets = append(lanes[i].tickets, iv)
					} else {
						lanes[i].pages = append(lanes[i].pages, iv)
					}
				}
			}
		}
	}
	if !any {
		return nil
	}
	return lanes
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// alertBars draws the lanes as bars, the first run on top: a thick bar
// while a page fires, a thin one while a ticket does.
type alertBars struct {
	lanes []alertLane
	th    *theme
}

func (b *alertBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(b.lanes)
	pitch := trY(1) - trY(0) // the height of one lane
	if pitch < 0 {
		pitch = -pitch
	}
	page := min(pitch*0.7, b.th.base*0.6)
	ticket := max(page*0.3, b.th.hair*2)
	for i, l := range b.lanes {
		y := trY(float64(n - 1 - i))
		for _, set := range []struct {
			ivs [][2]float64
			h   vg.Length
		}{{l.tickets, ticket}, {l.pages, page}} {
			for _, iv := range set.ivs {
				x0, x1 := max(trX(iv[0]), c.Min.X), min(trX(iv[1]), c.Max.X)
				if x1-x0 < b.th.hair*2 {
					x1 = x0 + b.th.hair*2
				}
				if x1 > x0 {
					c.FillPolygon(l.color, rect(x0, y-set.h/2, x1, y+set.h/2))
				}
			}
		}
	}
}

// alertPanel turns p into the alerts panel: one lane per run, no y ticks.
func alertPanel(p *plot.Plot, lanes []alertLane, th *theme) panelKey {
	p.Y.Min, p.Y.Max = -0.7, float64(len(lanes))-0.3
	p.Y.Tick.Marker = plot.ConstantTicks(nil)
	p.Y.Label.Text = "alerts"
	p.Add(&alertBars{lanes: lanes, th: th})
	return panelKey{heading: "Alerts firing", entries: []legendEntry{
		{label: "page", color: textColor, width: 4},
		{label: "ticket", color: textColor, width: 1.5},
	}}
}
