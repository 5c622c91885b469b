package tui

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// sloStatus describes a variant's SLOs at interval i of its series, per
// SLO: its name, the alert rules firing at the interval's end (the first
// by name, "+N" for the others), its burn rate in the interval and the
// error budget left. Empty without SLOs.
func sloStatus(s *results.Series, i int, narrow bool) string {
	var parts []string
	for k := range s.SLOs {
		slo := &s.SLOs[k]
		burn, budget := at(slo.BurnRate, i), at(slo.BudgetRemaining, i)
		b := "—"
		if !math.IsNaN(burn) {
			b = format.ShortNumber(burn) + "x"
		}
		left := "—"
		if !math.IsNaN(budget) {
			left = format.ShortNumber(math.Round(100*budget)) + "%"
		}
		rules := make([]string, 0, len(slo.Alerts))
		for name := range slo.Alerts {
			rules = append(rules, name)
		}
		slices.Sort(rules)
		var firing []string
		for _, name := range rules {
			if at(slo.Alerts[name], i) == 1 {
				firing = append(firing, name)
			}
		}
		p := slo.Name
		if len(firing) > 0 {
			f := "⚑ " + firing[0]
			if len(firing) > 1 {
				f += "+" + strconv.Itoa(len(firing)-1)
			}
			p += " " + faultStyle.Render(f)
		}
		if narrow {
			p += " " + b + " " + left
		} else {
			p += dim.Render(" burn ") + b + " " + left + dim.Render(" left")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "  ")
}
