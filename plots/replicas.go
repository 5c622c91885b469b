package plots

import (
	"gonum.org/v1/plot"

	"github.com/stampede-sim/stampede/models/results"
)

// The autoscaler's series in a service's strategy map
// (strategies.MetricReplicas, MetricDesiredReplicas: plots reads results
// only).
const (
	metricReplicas        = "replicas"
	metricDesiredReplicas = "desired_replicas"
)

// autoscaled reports whether some run's service has an autoscaler (its
// replicas series).
func autoscaled(svcs []*results.ServiceSeries) bool {
	for _, s := range svcs {
		if s != nil && s.Strategy[metricReplicas] != nil {
			return true
		}
	}
	return false
}

// replicasPanel draws the replicas of each autoscaled run's service:
// ready (solid) and asked for (dashed: above the solid line while
// replicas provision).
func replicasPanel(p *plot.Plot, runs []Run, svcs []*results.ServiceSeries, xs [][]float64, th *theme) panelKey {
	p.Y.Label.Text = "replicas"
	name := ""
	for i, s := range svcs {
		if s == nil || s.Strategy[metricReplicas] == nil {
			continue
		}
		if name == "" {
			name = s.Name
		}
		p.Add(&xyLine{xs: xs[i], ys: s.Strategy[metricDesiredReplicas], color: VariantColor(slotOf(runs, i)), dash: dashed, th: th})
		p.Add(&xyLine{xs: xs[i], ys: s.Strategy[metricReplicas], color: VariantColor(slotOf(runs, i)), width: 1.3, th: th})
	}
	return panelKey{heading: "Replicas at " + name + " (autoscaled)", entries: []legendEntry{
		{label: "ready", color: textColor, width: 1.3},
		{label: "asked for", color: textColor, dash: dashed},
	}}
}
