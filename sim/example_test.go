package sim_test

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// AfterFunc schedules a func; RunUntil fires everything due up to an instant
// (including what firing schedules) and leaves the clock there.
func ExampleSim_AfterFunc() {
	s := sim.New(1)
	var tick func()
	tick = func() {
		fmt.Println("tick at", s.Now())
		s.AfterFunc(300*time.Millisecond, tick)
	}
	s.AfterFunc(100*time.Millisecond, tick)
	s.RunUntil(sim.Time(time.Second))
	fmt.Println("now", s.Now(), "next", s.NextAt())
	// Output:
	// tick at 100ms
	// tick at 400ms
	// tick at 700ms
	// tick at 1s
	// now 1s next 1.3s
}

// server is a model that binds its handlers once, at construction, so that
// scheduling on the hot path allocates nothing.
type server struct {
	s      *sim.Sim
	onDone sim.Handler // bound once: s.onDone = s.done
}

type request struct {
	id      int
	arrived sim.Time
}

func newServer(s *sim.Sim) *server {
	srv := &server{s: s}
	srv.onDone = srv.done
	return srv
}

func (srv *server) start(r *request, service time.Duration) {
	r.arrived = srv.s.Now()
	srv.s.Schedule(service, srv.onDone, r) // a pointer arg: no allocation
}

func (srv *server) done(arg any) {
	r := arg.(*request)
	fmt.Printf("request %d done at %v after %v\n", r.id, srv.s.Now(), srv.s.Now().Sub(r.arrived))
}

// Schedule calls a bound Handler with a per-event argument. Events at the
// same instant fire in the order they were scheduled.
func ExampleSim_Schedule() {
	s := sim.New(1)
	srv := newServer(s)
	srv.start(&request{id: 1}, 20*time.Millisecond)
	srv.start(&request{id: 2}, 5*time.Millisecond)
	srv.start(&request{id: 3}, 20*time.Millisecond)
	for s.Step() {
	}
	fmt.Println("fired", s.Fired())
	// Output:
	// request 2 done at 5ms after 5ms
	// request 1 done at 20ms after 20ms
	// request 3 done at 20ms after 20ms
	// fired 3
}

// Stop cancels a pending timer, here a timeout that the reply beats. It
// reports true only for the call that actually cancelled the event.
func ExampleTimer_Stop() {
	s := sim.New(1)
	timeout := s.AfterFunc(100*time.Millisecond, func() { fmt.Println("timed out") })
	s.AfterFunc(30*time.Millisecond, func() {
		fmt.Println("reply at", s.Now(), "stopped timeout:", timeout.Stop())
	})
	s.RunUntil(sim.Time(time.Second))
	fmt.Println("stop again:", timeout.Stop(), "pending:", s.Pending())
	// Output:
	// reply at 30ms stopped timeout: true
	// stop again: false pending: 0
}

// Rand gives each named consumer its own stream, derived from the seed and
// the name only: the same seed replays the same draws, and adding a stream
// does not disturb the others.
func ExampleSim_Rand() {
	a := sim.New(42).Rand("arrivals")
	b := sim.New(42)
	b.Rand("retries") // a stream the first run did not have
	b2 := b.Rand("arrivals")
	for range 3 {
		x, y := a.IntN(1000), b2.IntN(1000)
		fmt.Println(x, y, x == y)
	}
	// Output:
	// 286 286 true
	// 898 898 true
	// 967 967 true
}

// Fire fires a batch of due events in one call: at most n, none after the
// horizon, and none after the event whose handler called Halt. It reports
// how many fired, and how many of those fired at the instant it ended at
// (a driver's count of events that did not move the clock).
func ExampleSim_Fire() {
	s := sim.New(1)
	inFlight := 0
	var arrive func()
	arrive = func() {
		inFlight++ // never served
		if inFlight > 3 {
			fmt.Println("too many in flight at", s.Now())
			s.Halt()
		}
		s.AfterFunc(100*time.Millisecond, arrive)
	}
	s.AfterFunc(0, arrive)
	s.AfterFunc(0, func() {})
	fmt.Println(s.Fire(sim.Time(time.Second), 2))
	fmt.Println(s.Fire(sim.Time(time.Second), 1000))
	fmt.Println("now", s.Now(), "next", s.NextAt())
	// Output:
	// 2 2
	// too many in flight at 300ms
	// 3 1
	// now 300ms next 400ms
}
