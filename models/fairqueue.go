package models

import "github.com/stampede-sim/stampede/strategies"

// fairQ is a replica's waiting room under fair queueing
// (config.QueueConfig.Fair): one deque per caller (the edge a request
// came by: a client's, a cache's, or an upstream service's call), served
// in the order strategies.DRR gives. The replica's deque holds it and
// keeps its total count, so the code that reads r.q.n, pushes and pops is
// the same with or without it.
type fairQ struct {
	keys  []*edge // flow i's caller
	flows []deque
	drr   *strategies.DRR
}

// flow returns the index of e's queue, adding one the first time e calls
// (callers are few: a linear scan).
func (f *fairQ) flow(e *edge) int {
	for i, k := range f.keys {
		if k == e {
			return i
		}
	}
	f.keys = append(f.keys, e)
	f.flows = append(f.flows, deque{})
	return len(f.keys) - 1
}

func (f *fairQ) push(a *attempt) {
	i := f.flow(a.e)
	q := &f.flows[i]
	q.push(a)
	if q.n == 1 {
		f.drr.Backlogged(i)
	}
}

// pop takes the next request: from the caller whose turn it is, its
// oldest (or, lifo, its newest).
func (f *fairQ) pop(lifo bool) *attempt {
	i := f.drr.Next()
	q := &f.flows[i]
	var a *attempt
	if lifo {
		a = q.popBack()
	} else {
		a = q.popFront()
	}
	f.drr.Served(i, q.n == 0)
	return a
}

// front returns the request pop(false) would take.
func (f *fairQ) front() *attempt {
	q := &f.flows[f.drr.Next()]
	return q.buf[q.head]
}

// remove takes a out of its caller's queue (it must be there).
func (f *fairQ) remove(a *attempt) {
	i := f.flow(a.e)
	f.flows[i].remove(a)
	if f.flows[i].n == 0 {
		f.drr.Left(i)
	}
}

// evictFor returns the oldest request of the caller with the most
// waiting, taken out of the queue, when that caller has more waiting than
// the caller of a (RFC 8290 §4.1's drop from the fattest flow, at its
// head); nil when a's caller is itself the fattest, or as fat.
func (f *fairQ) evictFor(a *attempt) *attempt {
	fat, most := -1, 0
	for i := range f.flows {
		if n := f.flows[i].n; n > most {
			fat, most = i, n
		}
	}
	if fat < 0 || f.keys[fat] == a.e {
		return nil
	}
	mine := 0
	for i, k := range f.keys {
		if k == a.e {
			mine = f.flows[i].n
		}
	}
	if most <= mine {
		return nil
	}
	q := &f.flows[fat]
	v := q.popFront()
	if q.n == 0 {
		f.drr.Left(fat)
	}
	return v
}
