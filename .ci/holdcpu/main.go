// Command holdcpu times the hold model in CPU time: the engine's (as
// sim.BenchmarkHold) or, with -bare, a bare heap of ../shared/bench/baseline
// (its queue.go, which .ci/hold-cpu.sh copies in as bare.go when it
// builds the harness) driven the same way. It prints the
// pending-set size and the CPU nanoseconds per event of the calling thread
// (getrusage RUSAGE_THREAD), which, unlike wall time, do not count the time
// other jobs on a shared machine take from it. .ci/hold-cpu.sh builds it
// against each tree compared and runs them round-robin.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

type holdModel struct {
	s      *sim.Sim
	r      *rand.Rand
	onFire sim.Handler
}

func (m *holdModel) fire(arg any) {
	m.s.Schedule(time.Duration(m.r.ExpFloat64()*float64(time.Second)), m.onFire, arg)
}

func cpu() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	n := flag.Int("n", 1<<20, "pending")
	k := flag.Int("k", 3_000_000, "events")
	bare := flag.String("bare", "", "bin2 or heap4: baseline's bare heap instead")
	flag.Parse()
	runtime.LockOSThread()
	if *bare != "" {
		runBare(*bare, *n, *k)
		return
	}
	m := &holdModel{s: sim.New(1)}
	m.r = m.s.Rand("hold")
	m.onFire = m.fire
	for range *n {
		m.fire(nil)
	}
	for range *n { // one full turnover before timing
		m.s.Step()
	}
	runtime.GC()
	t0 := cpu()
	for range *k {
		m.s.Step()
	}
	t1 := cpu()
	fmt.Printf("%d %.1f\n", *n, (t1-t0)/float64(*k))
}

type queue interface {
	Push(Event)
	Pop() Event
}

func runBare(kind string, n, k int) {
	var h queue = &Bin2{}
	if kind == "heap4" {
		h = &Heap4{}
	}
	rng := rand.New(rand.NewPCG(1, 0x9e3779b97f4a7c15))
	var seq uint64
	for i := 0; i < n; i++ {
		h.Push(Event{T: int64(rng.ExpFloat64() * 1e9), Seq: seq})
		seq++
	}
	step := func() {
		e := h.Pop()
		e.T += int64(rng.ExpFloat64() * 1e9)
		e.Seq = seq
		seq++
		h.Push(e)
	}
	for range n {
		step()
	}
	runtime.GC()
	t0 := cpu()
	for range k {
		step()
	}
	t1 := cpu()
	fmt.Printf("%d %.1f\n", n, (t1-t0)/float64(k))
}
