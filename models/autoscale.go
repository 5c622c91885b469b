package models

import (
	"maps"
	"slices"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// autoscaler is a service's running autoscaler (ServiceConfig.Autoscale,
// strategies.Autoscaler): every period it collects the metric over the
// period, reads it lag later, and asks for the count target tracking
// recommends. Replicas asked for become ready after the provisioning
// delay, cold for the warm-up; replicas let go retire.
//
// The service holds max(replicas, max) replicas from the start; those
// beyond the count are down (spare). Its replicas are laid out as
// [serving (up)][down][retiring][restarting] (settle keeps the order, and
// relayout for a deploy), so that the service's prefix of up replicas
// stays the balancer's and a replica brought up comes from the spares.
type autoscaler struct {
	s      *service
	a      *strategies.Autoscaler
	metric strategies.AutoscaleMetric
	period time.Duration
	lag    time.Duration
	prov   time.Duration // provisioning delay
	warmup time.Duration
	factor float64 // warm-up service-time factor

	asked    int // replicas asked for: provisioned and provisioning (the HPA's spec.replicas)
	retiring int
	unsorted bool // a replica finished retiring: settle before the next change

	lastNum      float64 // the metric's integral at the last collection
	readings     ring[reading]
	provisioning ring[int] // replicas coming, in the order asked for

	hCollect, hRead, hReady sim.Handler

	m         metricSet
	gReplicas *gauge // ready replicas (the service's up)
	gDesired  *gauge
	mOut      *counter
	mIn       *counter
	mHeld     *counter // replica-seconds
	heldAt    sim.Time
}

// reading is one collected metric: its mean per ready replica over the
// period, and the ready replicas at its end.
type reading struct {
	v     float64
	ready int
	ok    bool // false when no replica was ready at its end
}

// ring is a fixed-size FIFO.
type ring[T any] struct {
	buf  []T
	i, n int
}

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) { // sized for the most a run holds: never grows
		grown := make([]T, 2*len(r.buf)+1)
		for k := range r.n {
			grown[k] = r.buf[(r.i+k)%len(r.buf)]
		}
		r.buf, r.i = grown, 0
	}
	r.buf[(r.i+r.n)%len(r.buf)] = v
	r.n++
}

func (r *ring[T]) pop() T {
	v := r.buf[r.i]
	r.i = (r.i + 1) % len(r.buf)
	r.n--
	return v
}

// newAutoscaler builds s's autoscaler and schedules its first collection.
func newAutoscaler(s *service) (*autoscaler, error) {
	sp := s.cfg.Autoscale
	a, err := sp.New()
	if err != nil {
		return nil, err
	}
	x := &autoscaler{s: s, a: a, metric: sp.Metric, period: *sp.Period, lag: sp.Lag, prov: *sp.Provisioning,
		warmup: sp.Warmup, factor: sp.WarmupFactor, asked: s.cfg.Replicas}
	x.readings.buf = make([]reading, int(x.lag/x.period)+2)
	x.provisioning.buf = make([]int, int(x.prov/x.period)+2)
	x.gReplicas = x.m.gauge(strategies.MetricReplicas)
	x.gDesired = x.m.gauge(strategies.MetricDesiredReplicas)
	x.mOut = x.m.counter(strategies.MetricScaledOut)
	x.mIn = x.m.counter(strategies.MetricScaledIn)
	x.mHeld = x.m.counter(strategies.MetricReplicaSeconds)
	x.gReplicas.set(0, float64(s.up))
	x.gDesired.set(0, float64(x.asked))
	x.hCollect, x.hRead, x.hReady = x.collect, x.read, x.ready
	for _, r := range s.reps {
		r.dep = &replicaDeploy{coldFactor: 1}
	}
	s.w.s.Schedule(x.period, x.hCollect, nil)
	return x, nil
}

// integral returns what the metric sums, integrated over the run to now
// (x ns): busy workers, requests in the service, or requests waiting.
func (x *autoscaler) integral(now sim.Time) float64 {
	m := &x.s.m
	switch x.metric {
	case strategies.AutoscaleConcurrency:
		return m.inSystem.integral(now)
	case strategies.AutoscaleQueueLength:
		return m.queue.integral(now)
	}
	return m.busy.integral(now)
}

// collect ends a collection period: the metric's sum over the replicas,
// averaged over the period, over the replicas ready at its end (and
// their workers, for utilisation) is read lag later. A replica that came
// in during the period thus counts as if it had been there (the HPA
// averages each ready pod's own samples): the desired count is the sum
// over the target, whenever replicas came.
func (x *autoscaler) collect(any) {
	s := x.s
	now := s.w.s.Now()
	num := x.integral(now)
	r := reading{ready: s.up}
	per := float64(s.up)
	if x.metric == strategies.AutoscaleUtilization {
		per *= float64(s.active)
	}
	if per > 0 {
		r.v, r.ok = (num-x.lastNum)/float64(x.period)/per, true
	}
	x.lastNum = num
	x.readings.push(r)
	if x.lag == 0 {
		x.read(nil)
	} else {
		x.s.w.s.Schedule(x.lag, x.hRead, nil)
	}
	x.s.w.s.Schedule(x.period, x.hCollect, nil)
}

// read is an evaluation: the oldest reading decides. Without a reading
// (no replica ready over its period) nothing changes, as the HPA does
// not scale without metrics.
func (x *autoscaler) read(any) {
	r := x.readings.pop()
	if !r.ok {
		return
	}
	now := x.s.w.s.Now()
	n := x.a.Recommend(now, x.asked, r.ready, r.v)
	switch {
	case n > x.asked:
		k := n - x.asked
		x.mOut.add(float64(k))
		x.setAsked(now, n)
		if x.prov == 0 {
			x.bringUp(k)
			return
		}
		x.provisioning.push(k)
		x.s.w.s.Schedule(x.prov, x.hReady, nil)
	case n < x.asked:
		k := x.asked - n
		x.mIn.add(float64(k))
		x.setAsked(now, n)
		// replicas still provisioning go first (a ReplicaSet deletes
		// pending pods before running ones), then the newest ready ones
		for i := x.provisioning.n - 1; i >= 0 && k > 0; i-- {
			j := (x.provisioning.i + i) % len(x.provisioning.buf)
			d := min(k, x.provisioning.buf[j])
			x.provisioning.buf[j] -= d
			k -= d
		}
		if k > 0 {
			x.retire(k)
		}
	}
}

// setAsked changes the count asked for, accruing the replica-seconds
// held until now.
func (x *autoscaler) setAsked(now sim.Time, n int) {
	x.accrue(now)
	x.asked = n
	x.gDesired.set(now, float64(n))
}

// accrue adds the replica-seconds held since the last change: replicas
// provisioning, provisioned or retiring are paid for.
func (x *autoscaler) accrue(now sim.Time) {
	x.mHeld.add(float64(x.asked+x.retiring) * now.Sub(x.heldAt).Seconds())
	x.heldAt = now
}

// ready ends the provisioning of the replicas asked for the longest ago.
func (x *autoscaler) ready(any) {
	if k := x.provisioning.pop(); k > 0 {
		x.bringUp(k)
	}
}

// bringUp adds k replicas to the service from its spares, cold for the
// warm-up. With no spare left (retiring replicas hold them) fewer come.
func (x *autoscaler) bringUp(k int) {
	s := x.s
	now := s.w.s.Now()
	s.settle()
	free := len(s.reps) - x.retiring - s.prov
	if k > free {
		x.setAsked(now, x.asked-(k-free))
		k = free
	}
	if k <= 0 {
		return
	}
	from := s.up
	s.prov += k
	s.refresh()
	for _, r := range s.reps[from:s.up] {
		if x.warmup > 0 {
			r.dep.coldUntil = now.Add(x.warmup)
			r.dep.coldFactor = x.factor
		}
	}
	if s.pulls {
		for _, r := range s.reps[from:s.up] {
			s.pull(r)
		}
	}
	x.changed()
}

// pull lets the free workers of replica r, whose own queue is empty, take
// the messages waiting at the other replicas, when s is an autoscaled
// async service: its consumers share one backlog, as the consumers of a
// queue service (an SQS queue, a Kafka consumer group) take whatever
// message is next, so that a replica that comes up drains the backlog
// that called for it rather than only the messages routed to it from then
// on (KEDA and AWS's target tracking on backlog per instance scale on
// that shared backlog). The replica with the longest queue gives first
// (the first in the service's order among equals), in its queue's order
// and under its queue's disciplines.
func (s *service) pull(r *replica) {
	for !s.paused && !r.down && !r.retiring && r.busy < s.active {
		var from *replica
		for _, o := range s.reps {
			if o != r && o.q.n > 0 && (from == nil || o.q.n > from.q.n) {
				from = o
			}
		}
		if from == nil {
			return
		}
		if a := s.next(from); a != nil {
			s.start(r, a)
		}
		if from.retiring {
			s.as.retired(from) // it may hold nothing now
		}
	}
}

// retire lets k of the serving replicas go, the newest first (a
// ReplicaSet deletes the youngest pods first): each leaves the balancer
// at once and finishes the work it holds.
func (x *autoscaler) retire(k int) {
	s := x.s
	now := s.w.s.Now()
	s.settle()
	k = min(k, s.up, s.prov)
	x.accrue(now)
	for _, r := range s.reps[s.up-k : s.up] {
		r.retiring = true
		x.retiring++
	}
	s.setUp(s.up - k)
	s.prov -= k
	for _, r := range s.reps[s.up : s.up+k] {
		x.retired(r)
	}
	x.unsorted = true
	s.settle()
	s.refresh()
	x.changed()
}

// retired ends r's retirement once it holds no work: it becomes a spare.
func (x *autoscaler) retired(r *replica) {
	if r.busy > 0 || r.q.n > 0 || r.rq.n > 0 {
		return
	}
	x.accrue(x.s.w.s.Now())
	r.retiring = false
	r.down = true
	x.retiring--
	x.unsorted = true
}

// changed tells the callers' outlier detectors how many hosts the
// service has now.
func (x *autoscaler) changed() {
	for _, o := range x.s.ods {
		o.d.SetHosts(x.s.prov)
	}
}

// settle lays the replicas out as [serving][down][retiring][restarting],
// each group in its order, after a replica finished retiring.
func (s *service) settle() {
	if s.as == nil || !s.as.unsorted {
		return
	}
	s.as.unsorted = false
	slices.SortStableFunc(s.reps, func(a, b *replica) int { return a.place() - b.place() })
}

// place is r's group in settle's layout.
func (r *replica) place() int {
	switch {
	case r.dep != nil && r.dep.restarting > 0:
		return 3
	case r.retiring:
		return 2
	case r.down:
		return 1
	}
	return 0
}

// roll closes the interval ending at end.
func (x *autoscaler) roll(end sim.Time, width float64) {
	x.accrue(end)
	x.m.roll(end, width)
}

// stratSeries returns the service's strategy series with the
// autoscaler's.
func (s *service) stratSeries() map[string]results.Values {
	out := s.strat().series()
	if s.bal != nil {
		if out == nil {
			out = map[string]results.Values{}
		}
		out[MetricBusiestShare] = s.bal.shares
	}
	if s.as == nil {
		return out
	}
	if out == nil {
		return s.as.m.series()
	}
	maps.Copy(out, s.as.m.series())
	return out
}

// stratSummary returns the service's whole-run strategy values with the
// autoscaler's.
func (s *service) stratSummary(end sim.Time) map[string]float64 {
	out := s.strat().summary(end)
	if s.bal != nil {
		if out == nil {
			out = map[string]float64{}
		}
		out[MetricBusiestShare] = s.bal.busiestShare()
	}
	if s.as == nil {
		return out
	}
	s.as.accrue(end)
	if out == nil {
		return s.as.m.summary(end)
	}
	maps.Copy(out, s.as.m.summary(end))
	return out
}

// stratCurrent returns the service's live strategy values with the
// autoscaler's.
func (s *service) stratCurrent() map[string]float64 {
	out := s.strat().current()
	if s.as == nil {
		return out
	}
	if out == nil {
		return s.as.m.current()
	}
	maps.Copy(out, s.as.m.current())
	return out
}
