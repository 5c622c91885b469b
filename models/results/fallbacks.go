package results

// fallbackReason is the reason a call answered by its caller's fallback
// is counted under (strategies.ReasonFallback): Failed holds it like a
// reason, but it is no failure, and what is written, drawn and shown
// keeps it apart from the failures.
const fallbackReason = "fallback"

// IsFallback reports whether the reason name is fallback: degraded
// goodput, not a failure.
func IsFallback(reason string) bool { return reason == fallbackReason }

// Fallbacks returns c's fallback answers per second: calls that failed
// and were answered by the caller's fallback (degraded goodput); nil when
// there were none.
func (c *CallSeries) Fallbacks() Values { return c.Failed[fallbackReason] }

// Fallbacks returns the fallback answers given at every tier per second:
// by the clients (Total) and on every edge, summed per interval (NaN
// counts as 0); nil when there were none.
func (s *Series) Fallbacks() Values {
	var sum Values
	add := func(v Values) {
		if v == nil {
			return
		}
		if sum == nil {
			sum = make(Values, len(s.T))
		}
		for i, x := range v {
			if i < len(sum) && x == x {
				sum[i] += x
			}
		}
	}
	add(s.Total.Fallbacks())
	for i := range s.Edges {
		add(s.Edges[i].Fallbacks())
	}
	return sum
}
