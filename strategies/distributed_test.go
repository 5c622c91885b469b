package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestDistributedStaleView(t *testing.T) {
	q, err := NewSharedQuota(SharedQuotaConfig{Limit: 10, Window: time.Second, Replicas: 2, SyncInterval: ms(100), Mode: QuotaStaleView})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := NewDistributedLimiter(q)
	b, _ := NewDistributedLimiter(q)
	if _, err := NewDistributedLimiter(q); err == nil {
		t.Error("a third replica of a 2-replica quota was made")
	}
	admit := func(d *DistributedLimiter, n int) func(sim.Time) any {
		return func(now sim.Time) any {
			got := 0
			for range n {
				if d.AllowN(now, 1) {
					got++
				}
			}
			return got
		}
	}
	sync := func(d *DistributedLimiter) func(sim.Time) any {
		return func(now sim.Time) any { d.Sync(now); return d.Estimate(now) }
	}
	global := func(now sim.Time) any { return q.Estimate(now) }
	runSteps(t, []step{
		// Neither replica sees the other before a sync: both admit the
		// whole global limit.
		{ms(10), "a admits", admit(a, 15), 10},
		{ms(20), "b admits", admit(b, 15), 10},
		{ms(100), "a syncs: its view", sync(a), 10.0},
		{ms(100), "b syncs: its view", sync(b), 20.0},
		{ms(100), "shared estimate: 2× over", global, 20.0},
		{ms(150), "b admits nothing", admit(b, 5), 0},
		// a's view is stale (it synced before b): it still thinks 10 — at
		// the limit, so no.
		{ms(150), "a admits nothing", admit(a, 5), 0},
		// Next window: 20 in the previous one, weighted by (1 − e/W).
		{ms(1500), "a syncs", sync(a), 10.0},
		{ms(1500), "a admits 0 (10 + 0 = 10)", admit(a, 1), 0},
		{ms(1800), "a admits while 20·0.2 + k < 10", admit(a, 10), 6},
		{ms(1800), "Admitted", func(sim.Time) any { return a.Admitted() }, uint64(16)},
		{ms(1800), "Syncs", func(sim.Time) any { return q.Syncs() }, uint64(3)},
	})
}

func TestDistributedLocalShare(t *testing.T) {
	q, _ := NewSharedQuota(SharedQuotaConfig{Limit: 10, Window: time.Second, Replicas: 2, SyncInterval: ms(100), Mode: QuotaLocalShare})
	a, _ := NewDistributedLimiter(q)
	b, _ := NewDistributedLimiter(q)
	n := 0
	for range 20 {
		if a.AllowN(0, 1) {
			n++
		}
	}
	if n != 5 {
		t.Errorf("a replica with half the quota admitted %d, want 5", n)
	}
	if b.AllowN(0, 1) != true || a.Rejected() != 15 {
		t.Errorf("b rejected, or a counted %d rejections, want 15", a.Rejected())
	}
}

// TestDistributedOvershootGrowsWithSyncInterval shows the trade-off: the
// longer the sync interval, the more the replicas together over-admit.
func TestDistributedOvershootGrowsWithSyncInterval(t *testing.T) {
	admitted := func(sync time.Duration) uint64 {
		q, _ := NewSharedQuota(SharedQuotaConfig{Limit: 1000, Window: time.Second, Replicas: 4, SyncInterval: sync, Mode: QuotaStaleView})
		var reps [4]*DistributedLimiter
		for i := range reps {
			reps[i], _ = NewDistributedLimiter(q)
		}
		next := sim.Time(0)
		var total uint64
		for i := range 40000 { // 4 replicas × 1000/s each for 10 s: 4× the limit
			now := sim.Time(i) * sim.Time(250*time.Microsecond)
			if now >= next {
				for _, r := range reps {
					r.Sync(now)
				}
				next = now.Add(sync)
			}
			if reps[i%4].AllowN(now, 1) {
				total++
			}
		}
		return total
	}
	fast, slow := admitted(ms(10)), admitted(ms(500))
	if fast > 11000 {
		t.Errorf("syncing every 10ms admitted %d in 10 s, want near 10000", fast)
	}
	if slow <= fast+2000 {
		t.Errorf("syncing every 500ms admitted %d, not clearly more than %d", slow, fast)
	}
}

func TestSharedQuotaConfigErrors(t *testing.T) {
	good := SharedQuotaConfig{Limit: 10, Window: time.Second, Replicas: 2, SyncInterval: ms(100)}
	edits := []struct {
		field string
		edit  func(*SharedQuotaConfig)
	}{
		{"Limit", func(c *SharedQuotaConfig) { c.Limit = 0 }},
		{"Window", func(c *SharedQuotaConfig) { c.Window = 0 }},
		{"Replicas", func(c *SharedQuotaConfig) { c.Replicas = 0 }},
		{"SyncInterval", func(c *SharedQuotaConfig) { c.SyncInterval = 0 }},
		{"Mode", func(c *SharedQuotaConfig) { c.Mode = 9 }},
	}
	for _, e := range edits {
		c := good
		e.edit(&c)
		_, err := NewSharedQuota(c)
		mustErr(t, err, e.field)
	}
	if m, err := ParseQuotaMode("local_share"); err != nil || m != QuotaLocalShare {
		t.Errorf("ParseQuotaMode = %v, %v", m, err)
	}
}

func ExampleDistributedLimiter() {
	q, _ := NewSharedQuota(SharedQuotaConfig{Limit: 100, Window: time.Second, Replicas: 3,
		SyncInterval: 200 * time.Millisecond, Mode: QuotaStaleView})
	var reps []*DistributedLimiter
	for range 3 {
		r, _ := NewDistributedLimiter(q)
		reps = append(reps, r)
	}
	// Each replica sees 60 requests before anyone syncs.
	for _, r := range reps {
		for range 60 {
			r.AllowN(sim.Time(50*time.Millisecond), 1)
		}
	}
	for _, r := range reps {
		r.Sync(sim.Time(200 * time.Millisecond))
	}
	fmt.Println("admitted:", reps[0].Admitted()+reps[1].Admitted()+reps[2].Admitted(), "of a limit of 100")
	fmt.Println("global count:", q.Estimate(sim.Time(200*time.Millisecond)))
	// Output:
	// admitted: 180 of a limit of 100
	// global count: 180
}
