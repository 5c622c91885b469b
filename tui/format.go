package tui

import (
	"math"
	"time"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// fmtSeconds formats a time in seconds like format.ShortDuration ("—" for NaN).
func fmtSeconds(s float64) string {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return "—"
	}
	return format.ShortDuration(time.Duration(s * 1e9))
}
