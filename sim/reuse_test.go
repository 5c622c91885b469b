package sim

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestNewReusing: a simulator built in the memory of a used one (its
// heap, slots and lines' buffers, left in any state) fires the same
// events in the same order as a fresh one, and the used one is done
// with.
func TestNewReusing(t *testing.T) {
	pinRapidSeed(t)
	rapid.Check(t, func(t *rapid.T) {
		// run schedules events on the heap and on lines, stops some, and
		// fires until limit; it returns the order they fired in.
		run := func(s *Sim, ops []int, limit Time) []int {
			lines := []Line{s.NewLine(), s.NewLine()}
			var fired []int
			var timers []Timer
			for i, op := range ops {
				h := func(any) { fired = append(fired, i) }
				d := time.Duration(op%97) * time.Millisecond
				switch op % 4 {
				case 0, 1:
					timers = append(timers, s.Schedule(d, h, nil))
				case 2:
					timers = append(timers, s.ScheduleOn(lines[op%2], time.Second, h, nil))
				case 3:
					if len(timers) > 0 {
						timers[op%len(timers)].Stop()
					}
				}
			}
			for s.Step() && s.Now() < limit {
			}
			return fired
		}
		ops1 := rapid.SliceOfN(rapid.IntRange(0, 1000), 0, 300).Draw(t, "first")
		ops2 := rapid.SliceOfN(rapid.IntRange(0, 1000), 0, 300).Draw(t, "second")
		cut := Time(rapid.IntRange(0, 2000).Draw(t, "cut")) * Time(time.Millisecond)
		old := New(1)
		run(old, ops1, cut) // left with events pending
		want := run(New(2), ops2, Never)
		if got := run(NewReusing(2, old), ops2, Never); !slices.Equal(got, want) {
			t.Fatalf("reused simulator fired %v, a fresh one %v", got, want)
		}
		if old.heap != nil || old.slots != nil || old.lines != nil {
			t.Fatal("the used simulator still holds its memory")
		}
	})
}
