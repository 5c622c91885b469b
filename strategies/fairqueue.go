package strategies

import "fmt"

// DRR is deficit round robin (M. Shreedhar and G. Varghese, "Efficient
// Fair Queuing Using Deficit Round Robin", SIGCOMM 1995) over flows
// numbered from 0, with every request costing 1: each backlogged flow in
// turn gets its quantum of requests added to its deficit and is served
// while its deficit lasts, then goes to the back of the round; a flow that
// empties leaves the round and forgets its deficit (the paper's rule, so
// an idle flow cannot save up service). With unit costs and quantum 1
// this is round robin over the backlogged flows: each of n backlogged
// flows gets 1/n of the service whatever its arrival rate, which is the
// max-min fair share that keeps one noisy caller from starving the rest.
//
// DRR keeps only the schedule: which flow is served next. The requests
// themselves stay in the caller's per-flow queues. The zero DRR is not
// usable; call NewDRR. Adding a flow (its first Backlogged) grows slices
// once; scheduling allocates nothing after that.
type DRR struct {
	quanta  []int // per flow
	deficit []int // per flow
	in      []bool
	ring    []int // backlogged flows, in round order, as a ring buffer
	head, n int
	quantum int
}

// NewDRR returns a DRR whose flows get quantum requests per round unless
// SetQuantum gives one its own (a weight): quantum in [1, 1e6].
func NewDRR(quantum int) (*DRR, error) {
	if quantum < 1 || quantum > 1e6 {
		return nil, cfgErr("drr", "Quantum", "in [1, 1e6]", quantum)
	}
	return &DRR{quantum: quantum}, nil
}

// grow makes room for flow f.
func (d *DRR) grow(f int) {
	for len(d.quanta) <= f {
		d.quanta = append(d.quanta, d.quantum)
		d.deficit = append(d.deficit, 0)
		d.in = append(d.in, false)
	}
	if len(d.ring) < len(d.quanta) {
		ring := make([]int, len(d.quanta))
		for i := 0; i < d.n; i++ {
			ring[i] = d.ring[(d.head+i)%len(d.ring)]
		}
		d.ring, d.head = ring, 0
	}
}

// SetQuantum gives flow f its own quantum (its weight), in [1, 1e6].
func (d *DRR) SetQuantum(f, quantum int) error {
	if quantum < 1 || quantum > 1e6 {
		return cfgErr("drr", "Quantum", "in [1, 1e6]", quantum)
	}
	d.grow(f)
	d.quanta[f] = quantum
	return nil
}

// Backlogged is called when flow f's queue goes from empty to non-empty:
// f joins the round at its end.
func (d *DRR) Backlogged(f int) {
	d.grow(f)
	if d.in[f] {
		panic(fmt.Sprintf("strategies: DRR.Backlogged(%d) for a flow already in the round", f))
	}
	d.in[f] = true
	d.deficit[f] = 0
	d.ring[(d.head+d.n)%len(d.ring)] = f
	d.n++
}

// Next returns the flow to serve next, which must then be served
// (Served). It panics when no flow is backlogged.
func (d *DRR) Next() int {
	if d.n == 0 {
		panic("strategies: DRR.Next with no flow backlogged")
	}
	f := d.ring[d.head]
	if d.deficit[f] == 0 {
		d.deficit[f] = d.quanta[f] // its turn begins
	}
	return f
}

// Served records that the flow Next returned was served one request, and
// whether its queue is now empty: an empty flow leaves the round, one
// whose deficit ran out goes to its end.
func (d *DRR) Served(f int, empty bool) {
	if d.n == 0 || d.ring[d.head] != f {
		panic(fmt.Sprintf("strategies: DRR.Served(%d) for a flow Next did not return", f))
	}
	d.deficit[f]--
	switch {
	case empty:
		d.deficit[f] = 0
		d.in[f] = false
		d.head = (d.head + 1) % len(d.ring)
		d.n--
	case d.deficit[f] == 0:
		d.head = (d.head + 1) % len(d.ring)
		d.ring[(d.head+d.n-1)%len(d.ring)] = f
	}
}

// Left records that flow f's queue emptied other than by Next and Served
// (its last request was taken out: cancelled, reneged, evicted): f
// leaves the round, wherever it was.
func (d *DRR) Left(f int) {
	if f >= len(d.in) || !d.in[f] {
		return
	}
	d.in[f] = false
	d.deficit[f] = 0
	k := 0
	for i := 0; i < d.n; i++ {
		g := d.ring[(d.head+i)%len(d.ring)]
		if g != f {
			d.ring[(d.head+k)%len(d.ring)] = g
			k++
		}
	}
	d.n = k
}

// Backlog returns the number of flows in the round.
func (d *DRR) Backlog() int { return d.n }
