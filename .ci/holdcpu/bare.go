// The bare heaps of ../shared/bench/baseline (queue.go), copied verbatim.
package main

type Event struct {
	T    int64
	Seq  uint64
	Kind int32
	ID   int32
}

func (a *Event) less(b *Event) bool {
	return a.T < b.T || (a.T == b.T && a.Seq < b.Seq)
}

// Queue is what the event-driven model needs from a pending-event set.
type Queue interface {
	Push(Event)
	Pop() Event
	Len() int
}

// ---- hand-rolled 4-ary min-heap of values (no interfaces, no boxing) ----

type Heap4 struct{ a []Event }

func (h *Heap4) Len() int { return len(h.a) }

func (h *Heap4) Push(e Event) {
	h.a = append(h.a, e)
	a := h.a
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !e.less(&a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

func (h *Heap4) Pop() Event {
	a := h.a
	top := a[0]
	n := len(a) - 1
	last := a[n]
	a = a[:n]
	h.a = a
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if a[j].less(&a[m]) {
				m = j
			}
		}
		if !a[m].less(&last) {
			break
		}
		a[i] = a[m]
		i = m
	}
	a[i] = last
	return top
}

// ---- hand-rolled binary min-heap of values ----

type Bin2 struct{ a []Event }

func (h *Bin2) Len() int { return len(h.a) }

func (h *Bin2) Push(e Event) {
	h.a = append(h.a, e)
	a := h.a
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 1
		if !e.less(&a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

func (h *Bin2) Pop() Event {
	a := h.a
	top := a[0]
	n := len(a) - 1
	last := a[n]
	a = a[:n]
	h.a = a
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && a[c+1].less(&a[c]) {
			c++
		}
		if !a[c].less(&last) {
			break
		}
		a[i] = a[c]
		i = c
	}
	a[i] = last
	return top
}
