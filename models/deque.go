package models

// deque is a ring buffer of requests (FIFO pops the front, LIFO the back).
type deque struct {
	buf  []*attempt
	head int
	n    int
	// fq, when set, holds the requests instead, one deque per caller
	// (fair queueing, fairqueue.go); n counts them all.
	fq *fairQ
}

// push adds a at the back. Its common case (no fair queueing, room in
// the ring) is small enough to inline; the rest is pushSlow's.
func (q *deque) push(a *attempt) {
	if q.fq != nil || q.n == len(q.buf) {
		q.pushSlow(a)
		return
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = a
	q.n++
}

// pushSlow is push with fair queueing, or into a full ring, which it
// doubles (16 at first).
func (q *deque) pushSlow(a *attempt) {
	if q.fq != nil {
		q.fq.push(a)
		q.n++
		return
	}
	nb := make([]*attempt, max(16, 2*len(q.buf)))
	for i := 0; i < q.n; i++ {
		nb[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = nb, 0
	q.buf[q.n] = a
	q.n++
}

// popFront takes the oldest request out (q must not be empty).
func (q *deque) popFront() *attempt {
	if q.fq != nil {
		return q.popFair(false)
	}
	a := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return a
}

// popFair takes the front (back: the newest) request out of the fair
// queue, out of line so that popFront and popBack inline.
func (q *deque) popFair(back bool) *attempt {
	q.n--
	return q.fq.pop(back)
}

// popBack takes the newest request out (q must not be empty).
func (q *deque) popBack() *attempt {
	if q.fq != nil {
		return q.popFair(true)
	}
	i := (q.head + q.n - 1) & (len(q.buf) - 1)
	a := q.buf[i]
	q.buf[i] = nil
	q.n--
	return a
}

// remove takes a out of the queue (it must be there), searching from the
// newest end.
func (q *deque) remove(a *attempt) {
	if q.fq != nil {
		q.fq.remove(a)
		q.n--
		return
	}
	mask := len(q.buf) - 1
	for k := q.n - 1; k >= 0; k-- {
		i := (q.head + k) & mask
		if q.buf[i] != a {
			continue
		}
		for j := k; j < q.n-1; j++ {
			q.buf[(q.head+j)&mask] = q.buf[(q.head+j+1)&mask]
		}
		q.buf[(q.head+q.n-1)&mask] = nil
		q.n--
		return
	}
	panic("models: cancelled attempt not in its queue")
}
