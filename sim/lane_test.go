package sim

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// laneRun drives a simulator through a random workload of events, most
// scheduled one of a few fixed delays after now (with ScheduleLane on a
// lane of that delay when lanes is set, with Schedule otherwise), some on
// a Line, some at random delays, many stopped, fired through Fire, Step
// and StepUntil in turn; it returns the trace of (instant, event) fired.
func laneRun(seed uint64, lanes bool) []string {
	s := New(seed)
	r := rand.New(rand.NewPCG(seed, 7))
	delays := []time.Duration{500 * time.Microsecond, 20 * time.Millisecond, 3 * time.Millisecond}
	delays = delays[:1+seed%3] // one, two (findLane2) or three lanes
	var ls []Lane
	if lanes {
		for _, d := range delays {
			ls = append(ls, s.NewLane(d))
		}
		if s.NewLane(delays[0]) != ls[0] {
			panic("NewLane: a second lane for the same delay")
		}
	}
	line := s.NewLine()
	var trace []string
	var timers []Timer
	id := 0
	var h Handler
	schedule := func() {
		id++
		n := id
		var tm Timer
		switch k := r.IntN(10); {
		case k < 6:
			j := r.IntN(len(delays))
			if lanes {
				tm = s.ScheduleLane(ls[j], delays[j], h, n)
			} else {
				tm = s.Schedule(delays[j], h, n)
			}
		case k < 8:
			tm = s.ScheduleOn(line, 300*time.Millisecond, h, n)
		case k < 9:
			// ScheduleLane with another delay than the lane's goes
			// through the heap
			d := time.Duration(r.IntN(4)) * time.Millisecond
			if lanes {
				tm = s.ScheduleLane(ls[0], d, h, n)
			} else {
				tm = s.Schedule(d, h, n)
			}
		default:
			tm = s.Schedule(time.Duration(r.IntN(5000))*time.Microsecond, h, n)
		}
		timers = append(timers, tm)
	}
	h = func(arg any) {
		trace = append(trace, fmt.Sprintf("%d:%d", s.Now(), arg.(int)))
		for range 1 + r.IntN(2) {
			if id < 40000 {
				schedule()
			}
		}
		if len(timers) > 0 && r.IntN(3) == 0 {
			timers[r.IntN(len(timers))].Stop()
		}
		if len(trace)%2000 == 0 { // a mass of stops: compactions
			for _, tm := range timers[max(0, len(timers)-3000) : len(timers)-5] {
				tm.Stop()
			}
		}
	}
	for range 50 {
		schedule()
	}
	for step := 0; ; step++ {
		switch step % 3 {
		case 0:
			if f, _ := s.Fire(s.NextAt(), 100); f == 0 && s.NextAt() == Never {
				return trace
			}
		case 1:
			if !s.Step() {
				return trace
			}
		default:
			s.StepUntil(s.Now() + Time(time.Millisecond))
		}
		if p := s.Pending(); p < 0 {
			panic("negative Pending")
		}
	}
}

// TestLanesFireAsSchedule: events on lanes fire exactly as the same events
// scheduled with Schedule, in order of (time, scheduling order), stopped
// ones included, through Fire, Step, StepUntil and compactions.
func TestLanesFireAsSchedule(t *testing.T) {
	for seed := range uint64(8) {
		want, got := laneRun(seed, false), laneRun(seed, true)
		if len(want) != len(got) {
			t.Fatalf("seed %d: %d events fired with lanes, %d without", seed, len(got), len(want))
		}
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("seed %d: event %d is %s with lanes, %s without", seed, i, got[i], want[i])
			}
		}
		if len(want) < 1000 {
			t.Fatalf("seed %d: only %d events fired", seed, len(want))
		}
	}
}

// TestNewLaneAfterFiringPanics: lanes are made before events fire.
func TestNewLaneAfterFiringPanics(t *testing.T) {
	s := New(1)
	s.Schedule(0, func(any) {}, nil)
	s.Step()
	defer func() {
		if recover() == nil {
			t.Fatal("NewLane after an event fired did not panic")
		}
	}()
	s.NewLane(time.Millisecond)
}
