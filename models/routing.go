package models

// Routing: which of a service's downstream edges a request takes
// (CallConfig.Probability, ServiceConfig.FanoutChoose). Every decision is
// a draw from the request's call seed, so a retried request takes the path
// its first attempt took, and is salted like every per-call draw.

// pathSalt makes the draw that decides an edge's path unrelated to the
// call's other draws; chooseSalt the draw of fanout_choose.
const (
	pathSalt   = 0x5be0cd19137e2179
	chooseSalt = 0x1f83d9abfb41bd6b
)

// takes reports whether a's request takes dc's edge.
func (s *service) takes(dc *downCall, a *attempt) bool {
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
