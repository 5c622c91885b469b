package models

import (
	"runtime"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// heapAfterRun runs M/M/1 (rho 0.8) for customers calls split into 100
// intervals and returns the heap in use after a GC, with the world alive.
func heapAfterRun(t *testing.T, customers int) uint64 {
	cfg := mm1Config(customers, 1)
	cfg.Interval = cfg.Duration / 100
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(w)
	return ms.HeapInuse
}

func TestMemoryFlatInDuration(t *testing.T) {
	// Memory grows with requests in flight and with intervals, never with
	// the number of requests: a run 10x longer (same number of intervals)
	// holds the same heap.
	if testing.Short() {
		t.Skip("long")
	}
	n := 200_000
	if raceEnabled {
		n = 40_000
	}
	heapAfterRun(t, n/10) // warm the runtime up
	small := heapAfterRun(t, n)
	large := heapAfterRun(t, 10*n)
	t.Logf("heap in use after %d customers: %d KB; after %d: %d KB", n, small>>10, 10*n, large>>10)
	if large > small+small/4+256<<10 {
		t.Errorf("heap grew from %d KB to %d KB over a 10x longer run", small>>10, large>>10)
	}
}

func TestSteadyStateAllocations(t *testing.T) {
	// After warm-up, a second of M/M/1 at 800 calls/s (about 1600 events,
	// one interval closed) allocates only the growth of the series slices:
	// nothing per event, nothing per request.
	w, err := Build(mm1Config(800*1000, 1))
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(sim.Time(10*time.Second), 1<<62)
	allocs := testing.AllocsPerRun(50, func() {
		w.Advance(w.Now().Add(time.Second), 1<<62)
	})
	t.Logf("allocations per simulated second (800 requests): %v", allocs)
	if allocs > 5 {
		t.Errorf("%v allocations per second of M/M/1 at 800/s, want at most the amortised series growth", allocs)
	}
}
