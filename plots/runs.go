package plots

import "github.com/stampede-sim/stampede/models/results"

// Run is one variant's results as the figures take them: the variant's
// name and what the run produced. The figures draw variants in the order
// given and give each VariantColor(Slot) in every figure (the i-th
// VariantColor(i) when no run has a Slot).
type Run struct {
	// Name is the variant's name, shown in legends.
	Name string
	// Results is what the run produced; it is read, never changed.
	Results *results.Results
	// Slot is the variant's place among all the scenario's variants
	// (base 0), which picks its colour and marker: a figure of some
	// variants draws each as the figure of all does.
	Slot int
	// CI95 holds the 95% confidence half-widths of summary metrics
	// over the replications, by dotted path ("goodput",
	// "latency_s.p99", "amplification"); nil when not known (one
	// replication). The compare figure calls values equal within
	// their intervals equal.
	CI95 map[string]float64
}

// ciMetrics are the summary metrics whose intervals Compare reads.
var ciMetrics = []string{"goodput", "latency_s.p99", "amplification"}

// slotOf returns the colour slot of runs[i]: its Slot, so that a figure
// of some variants colours each as the figure of all does; but i when no
// run has a Slot (runs made without slots) or when two of the runs drawn
// would share a colour (slots eight apart: colours repeat after eight),
// since telling the lines apart matters more than matching other figures.
func slotOf(runs []Run, i int) int {
	var any bool
	used := make([]bool, len(variantColors))
	for _, r := range runs {
		any = any || r.Slot != 0
		c := r.Slot % len(used)
		if used[c] {
			return i
		}
		used[c] = true
	}
	if !any {
		return i
	}
	return runs[i].Slot
}

// Reslot gives each run, sweep series and stability map the slot of its
// name in order (the scenario's variants, base first), so that a set
// holding some of the variants colours each as the set of all does. Names
// not in order keep their slot.
func (s *Set) Reslot(order []string) {
	slot := func(name string, cur int) int {
		for i, n := range order {
			if n == name {
				return i
			}
		}
		return cur
	}
	for i := range s.Runs {
		s.Runs[i].Slot = slot(s.Runs[i].Name, s.Runs[i].Slot)
	}
	if s.Sweep != nil {
		for i := range s.Sweep.Series {
			s.Sweep.Series[i].Slot = slot(s.Sweep.Series[i].Name, s.Sweep.Series[i].Slot)
		}
	}
}
