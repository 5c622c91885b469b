package strategies

import "testing"

// TestDRRShares: while every flow stays backlogged, DRR serves them in
// the ratio of their quanta exactly, each round (Shreedhar and Varghese
// 1995: a flow's service over k rounds is k x quantum).
func TestDRRShares(t *testing.T) {
	d, err := NewDRR(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetQuantum(2, 3); err != nil {
		t.Fatal(err)
	}
	for f := range 3 {
		d.Backlogged(f)
	}
	served := make([]int, 3)
	var order []int
	for range 50 { // 10 rounds of 1 + 1 + 3
		f := d.Next()
		served[f]++
		order = append(order, f)
		d.Served(f, false)
	}
	if served[0] != 10 || served[1] != 10 || served[2] != 30 {
		t.Errorf("served %v, want [10 10 30]", served)
	}
	if got := order[:5]; got[0] != 0 || got[1] != 1 || got[2] != 2 || got[3] != 2 || got[4] != 2 {
		t.Errorf("first round %v, want [0 1 2 2 2]", got)
	}
}

// TestDRREmptyFlowsLeave: a flow that empties leaves the round and starts
// again at the end with no saved deficit; Left takes a flow out from
// anywhere in the round.
func TestDRREmptyFlowsLeave(t *testing.T) {
	d, _ := NewDRR(2)
	d.Backlogged(0)
	d.Backlogged(1)
	if f := d.Next(); f != 0 {
		t.Fatalf("Next %d, want 0", f)
	}
	d.Served(0, true) // flow 0 had one request: it leaves with deficit 1 unused
	if f := d.Next(); f != 1 {
		t.Fatalf("Next %d, want 1", f)
	}
	d.Backlogged(0) // back, at the end, deficit forgotten
	d.Served(1, false)
	if f := d.Next(); f != 1 { // flow 1's quantum is 2
		t.Fatalf("Next %d, want 1 (its second of two)", f)
	}
	d.Served(1, false)
	if f := d.Next(); f != 0 {
		t.Fatalf("Next %d, want 0", f)
	}
	d.Left(1)
	if d.Backlog() != 1 {
		t.Fatalf("backlog %d after Left, want 1", d.Backlog())
	}
	d.Served(0, false)
	d.Served(0, false) // deficit 2 used up: stays alone in the round
	if f := d.Next(); f != 0 {
		t.Fatalf("Next %d, want 0", f)
	}
	if _, err := NewDRR(0); err == nil {
		t.Error("NewDRR(0) accepted")
	}
}

// TestDRRNoAllocs: scheduling allocates nothing once the flows exist.
func TestDRRNoAllocs(t *testing.T) {
	d, _ := NewDRR(1)
	for f := range 4 {
		d.Backlogged(f)
	}
	if n := testing.AllocsPerRun(1000, func() {
		f := d.Next()
		d.Served(f, false)
	}); n != 0 {
		t.Errorf("%v allocations per request", n)
	}
}
