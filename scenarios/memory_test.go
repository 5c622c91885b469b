package scenarios

import (
	"runtime"
	"testing"
)

// tinyBatch is a scenario whose runs take well under a millisecond, so
// that a test can run thousands of replications of it.
const tinyBatch = `
title = "tiny"
duration = "2s"
interval = "1s"

[[services]]
name = "s"
service_time = "1ms"

[[clients]]
name = "c"
target = "s"
rate = 20
`

// TestBatchMemoryFlat: a batch's memory does not grow with its number of
// replications (issue 13 item 2). The live heap is read (after a GC)
// when the batch has done n runs and again at 3n, before its row is
// complete: what it retains per
// run beyond the first n must be a small fraction of what one run's
// record weighs (several KB), whatever the batch's length.
func TestBatchMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 4500 replications")
	}
	const n = 1500
	s := mustLoad(t, "tiny.toml", tinyBatch)
	live := map[int]uint64{}
	progress := func(done, _ int) {
		if done == n || done == 3*n {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			live[done] = m.HeapAlloc
		}
	}
	r, err := Run(s, Options{Replications: 3*n + 1, Parallel: 1, Series: true, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 || r.Replications != 3*n+1 {
		t.Fatalf("%d rows of %d replications, want 1 of %d", len(r.Rows), r.Replications, 3*n+1)
	}
	grew := int64(live[3*n]) - int64(live[n])
	perRun := float64(grew) / float64(2*n)
	t.Logf("live heap %d B after %d runs, %d B after %d: %.0f B per run", live[n], n, live[3*n], 3*n, perRun)
	if perRun > 200 {
		t.Errorf("the batch retains %.0f B per finished run (live heap %d B after %d runs, %d B after %d); want it flat",
			perRun, live[n], n, live[3*n], 3*n)
	}
}
