package models

import "github.com/stampede-sim/stampede/strategies"

// Routing: which of a service's downstream edges a request takes
// (CallConfig.Probability, ServiceConfig.FanoutChoose), and how many of
// its parallel calls' answers it waits for (ServiceConfig.FanoutQuorum).
// Every path decision is a draw from the request's call seed, so a
// retried request takes the path its first attempt took, and is salted
// like every per-call draw.

// pathSalt makes the draw that decides an edge's path unrelated to the
// call's other draws; chooseSalt the draw of fanout_choose, pathsSalt
// the draw of a service's paths.
const (
	pathSalt   = 0x5be0cd19137e2179
	chooseSalt = 0x1f83d9abfb41bd6b
	pathsSalt  = 0x3c6ef372fe94f82b
)

// A path is one of a service's ServiceConfig.Paths: the edges (a bit per
// CallConfig index) of the requests whose draw falls under its cumulative
// weight.
type path struct {
	upTo  float64 // the cumulative weight, this path's included, over the total
	edges uint64
}

// wirePaths turns ServiceConfig.Paths into cumulative shares and edge
// sets (validation has checked the targets and the limits).
func (s *service) wirePaths() {
	if s.cfg.Paths == nil {
		return
	}
	s.pathsKey = hashName(s.name) ^ pathsSalt
	total := 0.0
	for _, p := range s.cfg.Paths {
		total += p.Weight
	}
	sum := 0.0
	for _, p := range s.cfg.Paths {
		sum += p.Weight
		var edges uint64
		for _, t := range p.Calls {
			for j := range s.cfg.Calls {
				if s.cfg.Calls[j].Target == t {
					edges |= 1 << j
				}
			}
		}
		s.paths = append(s.paths, path{upTo: sum / total, edges: edges})
	}
	s.paths[len(s.paths)-1].upTo = 1 // no draw falls past the last path by rounding
}

// pathOf is the edge set of the path a's request takes: a draw that
// depends only on the request and the service, so a retry takes the path
// its first attempt took. O(paths), without allocating.
func (s *service) pathOf(a *attempt) uint64 {
	u := with(a.callSeed^s.w.salt, s.pathsKey)
	x := float64(u>>11) * (1.0 / (1 << 53))
	for _, p := range s.paths {
		if x < p.upTo {
			return p.edges
		}
	}
	return s.paths[len(s.paths)-1].edges
}

// takes reports whether a's request takes dc's edge.
func (s *service) takes(dc *downCall, a *attempt) bool {
	if s.paths != nil {
		return s.pathOf(a)&(1<<dc.edge) != 0
	}
	if s.choose > 0 && !s.chosen(a, dc.edge) {
		return false
	}
	return dc.takesP(s.w, a)
}

// takesP is the edge's own probability: always when it is 1, else by a
// draw that depends only on the request (the call a is an attempt of) and
// the edge.
func (dc *downCall) takesP(w *World, a *attempt) bool {
	if dc.p >= 1 {
		return true
	}
	u := with(a.callSeed^w.salt, dc.pathHash)
	return float64(u>>11)*(1.0/(1<<53)) < dc.p
}

// chosen reports whether edge j is among the s.choose edges a's request
// makes (fanout_choose): each edge gets a score drawn from the request,
// and the request takes the edges with the choose smallest scores, a
// uniformly random subset (ties, of probability 2^-64, go to the lower
// index). O(edges) per edge, without allocating.
func (s *service) chosen(a *attempt, j int32) bool {
	seed := a.callSeed ^ s.w.salt
	mine := with(seed, s.edgeHash[j]^chooseSalt)
	below := 0
	for i, h := range s.edgeHash {
		u := with(seed, h^chooseSalt)
		if u < mine || (u == mine && int32(i) < j) {
			below++
		}
	}
	return below < s.choose
}

// failedBelow records that a downstream call of a failed with r: the
// request will answer error, with the call's root cause.
func (a *attempt) failedBelow(c *call, r Reason) {
	a.downFailed = true
	a.cause = c.cause
	if a.cause.e == nil {
		a.cause = cause{c.e, r}
	}
}

// quorumStart sets the quorum of a request that made n parallel calls
// (fanout_quorum = k): it goes on after min(k, n) of them succeed, and
// fails once more than n - k have failed.
func (s *service) quorumStart(a *attempt, n int32) {
	if s.quorum == 0 {
		return
	}
	a.need = min(int32(s.quorum), n)
	a.spare = n - a.need
}

// quorumDone counts one answer of a quorum request and reports whether
// the request is decided: its quorum of successes reached, or more
// failures than it tolerates. A request decided with calls still out
// holds itself until they answer (lateCall): their answers are ignored,
// their work at the back ends done for nothing (a scatter-gather that
// takes the first k of n, as Dean and Barroso's "The Tail at Scale"
// describes).
func (a *attempt) quorumDone(c *call, r Reason) bool {
	a.pending--
	if r == strategies.ReasonOK {
		a.need--
	} else {
		a.spare--
		if a.spare < 0 {
			a.failedBelow(c, r)
		}
	}
	if a.need > 0 && a.spare >= 0 {
		return false
	}
	a.need = 0
	if a.pending > 0 {
		a.settled = true
		a.holders++
	}
	return true
}

// lateCall is the answer of a call its quorum request no longer waits
// for; the last one lets the request go.
func (a *attempt) lateCall() {
	a.pending--
	if a.pending == 0 {
		a.settled = false
		a.release(a.svc.w)
	}
}
