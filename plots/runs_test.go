package plots

import "testing"

// TestSlots: a run's colour is its variant's slot among all the
// scenario's variants, so a figure of some variants matches the figure of
// all; runs without slots, and runs whose slots would share a colour,
// fall back to their place in the figure.
func TestSlots(t *testing.T) {
	set := &Set{Runs: []Run{{Name: "base"}, {Name: "no-retries"}, {Name: "lifo"}}}
	set.Reslot([]string{"base", "capacity-drop", "slow-backoff", "no-retries", "retry-budget", "breaker", "lifo"})
	for i, want := range []int{0, 3, 6} {
		if got := slotOf(set.Runs, i); got != want {
			t.Errorf("run %d (%s): slot %d, want %d", i, set.Runs[i].Name, got, want)
		}
	}
	plain := []Run{{Name: "a"}, {Name: "b"}}
	if slotOf(plain, 1) != 1 {
		t.Errorf("runs without slots: slot %d, want their place 1", slotOf(plain, 1))
	}
	clash := []Run{{Name: "x", Slot: 1}, {Name: "y", Slot: 1 + len(variantColors)}}
	if a, b := slotOf(clash, 0), slotOf(clash, 1); VariantColor(a) == VariantColor(b) {
		t.Errorf("slots %d and %d share a colour", a, b)
	}
}
