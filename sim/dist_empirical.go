package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Limits on empirical distributions.
const (
	// MaxBuckets is the most buckets a histogram may have.
	MaxBuckets = 10_000
	// MaxSamples is the most samples a sample distribution may hold
	// (8 bytes each).
	MaxSamples = 1_000_000
)

// empiricalDist is a distribution taken from data, sampled by its inverse
// CDF: piecewise uniform, with probability mass cum[i+1]-cum[i] spread
// evenly over [x[i], x[i+1]]. A histogram's knots are its bucket bounds
// (the first bucket starts at 0), so a draw falls in each bucket with the
// bucket's share of the count and is linearly interpolated inside it, as
// Prometheus' histogram_quantile interpolates. A sample's knots are the
// sorted samples, each gap between neighbours holding 1/(n-1) of the mass:
// the CDF is the sample's empirical CDF with its steps joined by straight
// lines. "buckets(5ms: 120, 10ms: 300)", "le(5ms: 120, 10ms: 420)",
// "samples(3ms, 5ms, 4.1ms)", or any of them with @FILE.
type empiricalDist struct {
	text           string    // the canonical form
	x              []float64 // knots, ns, non-decreasing
	cum            []float64 // the CDF at the knots: cum[0] = 0, cum[len-1] = 1
	mean, variance float64   // s, s²
}

func (e *empiricalDist) String() string    { return e.text }
func (e *empiricalDist) Mean() float64     { return e.mean }
func (e *empiricalDist) Variance() float64 { return e.variance }

// Sample draws u uniform on [0, 1) and returns the inverse CDF at u: the
// knot interval whose CDF range holds u (intervals of no mass are never
// chosen), interpolated linearly. It allocates nothing.
func (e *empiricalDist) Sample(r *rand.Rand) time.Duration {
	u := r.Float64()
	// the last i with cum[i] <= u; cum[0] = 0 <= u < 1 = cum[len-1]
	lo, hi := 0, len(e.cum)-1
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if e.cum[m] <= u {
			lo = m
		} else {
			hi = m
		}
	}
	p := e.cum[hi] - e.cum[lo]
	return toDur(e.x[lo] + (u-e.cum[lo])/p*(e.x[hi]-e.x[lo]))
}

// CDF returns the distribution's CDF at d, for tests (the KS distance).
func (e *empiricalDist) CDF(d time.Duration) float64 {
	x := float64(d)
	if x < e.x[0] {
		return 0
	}
	for i := 1; i < len(e.x); i++ {
		if x < e.x[i] {
			return e.cum[i-1] + (e.cum[i]-e.cum[i-1])*(x-e.x[i-1])/(e.x[i]-e.x[i-1])
		}
	}
	return 1
}

// newEmpirical makes the distribution with knots x (ns) and weights w
// (w[i] the mass of [x[i], x[i+1]], len(w) = len(x)-1, total > 0).
func newEmpirical(text string, x, w []float64) *empiricalDist {
	total := 0.0
	for _, v := range w {
		total += v
	}
	e := &empiricalDist{text: text, x: x, cum: make([]float64, len(x))}
	m1, m2 := 0.0, 0.0
	acc := 0.0
	for i, v := range w {
		acc += v
		e.cum[i+1] = acc / total
		a, b := x[i]/1e9, x[i+1]/1e9
		p := v / total
		m1 += p * (a + b) / 2
		m2 += p * (a*a + a*b + b*b) / 3
	}
	e.cum[len(x)-1] = 1
	e.mean = m1
	e.variance = math.Max(0, m2-m1*m1)
	return e
}

// bucket is one histogram bucket as written: its upper bound (ns; +Inf
// for the last of Prometheus' buckets) and its count.
type bucket struct {
	le    float64
	count float64
	at    int // byte offset in the input, or line in a file
}

// histogram makes a histogram distribution from buckets whose counts are
// per bucket (cumulative false, OpenTelemetry's bucket_counts) or
// cumulative (Prometheus' le). bad reports an error at a bucket.
func histogram(kind, text string, bs []bucket, cumulative bool, bad func(b bucket, format string, args ...any) error) (Dist, error) {
	if n := len(bs); n > 0 && math.IsInf(bs[n-1].le, 1) {
		inf := bs[n-1]
		bs = bs[:n-1]
		above := inf.count
		if cumulative && len(bs) > 0 {
			above = inf.count - bs[len(bs)-1].count
		}
		if above < 0 {
			return nil, bad(inf, "le counts are cumulative: +Inf's count (%s) must be at least the last bucket's (%s)", fmtNum(inf.count), fmtNum(bs[len(bs)-1].count))
		}
		if above > 0 {
			last := "0"
			if len(bs) > 0 {
				last = fmtDur(toDur(bs[len(bs)-1].le))
			}
			return nil, bad(inf, "%s samples lie above the last finite bound (%s), where a histogram does not say how far: "+
				"add a bucket with a finite bound above them (the largest value observed, if known)", fmtNum(above), last)
		}
	}
	if len(bs) == 0 {
		return nil, bad(bucket{}, "%s needs at least one bucket with a finite bound", kind)
	}
	x := make([]float64, 0, len(bs)+1)
	w := make([]float64, 0, len(bs))
	x = append(x, 0)
	prevLe, prevCum, total := -1.0, 0.0, 0.0
	for _, b := range bs {
		if b.le <= prevLe {
			return nil, bad(b, "bucket bounds must increase: %s is not above the previous bound %s", fmtDur(toDur(b.le)), fmtDur(toDur(prevLe)))
		}
		c := b.count
		if cumulative {
			if c < prevCum {
				return nil, bad(b, "le counts are cumulative and must not decrease: %s after %s", fmtNum(b.count), fmtNum(prevCum))
			}
			c, prevCum = b.count-prevCum, b.count
		}
		x = append(x, b.le)
		w = append(w, c)
		total += c
		prevLe = b.le
	}
	if !(total > 0) {
		return nil, bad(bucket{}, "%s has no samples: its counts add up to 0", kind)
	}
	return newEmpirical(text, x, w), nil
}

// samplesDist makes a sample distribution from values (ns, sorted here).
func samplesDist(text string, v []float64) Dist {
	slices.Sort(v)
	if len(v) == 1 {
		return newEmpirical(text, []float64{v[0], v[0]}, []float64{1})
	}
	w := make([]float64, len(v)-1)
	for i := range w {
		w[i] = 1
	}
	return newEmpirical(text, v, w)
}

// empirical parses the body of buckets(, le( or samples( after its "(".
func (p *distParser) empirical(name distTok) (Dist, error) {
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == '@' {
		return p.empiricalFile(name)
	}
	if name.s == "samples" {
		var v []float64
		var parts []string
		for {
			t := p.word()
			if t.s == "" {
				return nil, p.errAt(p.pos, "expected a sample such as 12ms, got %s", p.peekDesc())
			}
			d, err := p.dur(t, "a sample", 0, false)
			if err != nil {
				return nil, err
			}
			v = append(v, float64(d))
			parts = append(parts, fmtDur(d))
			if end, err := p.listNext(); err != nil {
				return nil, err
			} else if end {
				break
			}
		}
		return samplesDist("samples("+strings.Join(parts, ", ")+")", v), nil
	}
	var bs []bucket
	var parts []string
	for {
		if len(bs) == MaxBuckets {
			return nil, p.errAt(p.pos, "%s has more than %d buckets", name.s, MaxBuckets)
		}
		t := p.word()
		if t.s == "" {
			return nil, p.errAt(p.pos, "expected a bucket's upper bound such as 25ms (or +Inf), got %s", p.peekDesc())
		}
		var le float64
		if isInf(t.s) {
			le = math.Inf(1)
		} else {
			d, err := p.dur(t, "a bucket bound", 0, false)
			if err != nil {
				return nil, err
			}
			le = float64(d)
		}
		if err := p.expect(':', `":" and the bucket's count after its bound`); err != nil {
			return nil, err
		}
		ct := p.word()
		if ct.s == "" {
			return nil, p.errAt(p.pos, "expected a count, got %s", p.peekDesc())
		}
		c, err := p.number(ct, "a bucket count")
		if err != nil {
			return nil, err
		}
		if c < 0 {
			return nil, p.errAt(ct.at, "a bucket count must be >= 0, got %s", fmtNum(c))
		}
		bs = append(bs, bucket{le: le, count: c, at: t.at})
		if !math.IsInf(le, 1) {
			parts = append(parts, fmtDur(toDur(le))+": "+fmtNum(c))
		}
		if end, err := p.listNext(); err != nil {
			return nil, err
		} else if end {
			break
		}
	}
	bad := func(b bucket, format string, args ...any) error {
		at := b.at
		if b == (bucket{}) {
			at = name.at
		}
		return p.errAt(at, format, args...)
	}
	return histogram(name.s, name.s+"("+strings.Join(parts, ", ")+")", bs, name.s == "le", bad)
}

// empiricalFile reads the data file of buckets(@FILE), le(@FILE) or
// samples(@FILE): the name runs to the ")".
func (p *distParser) empiricalFile(name distTok) (Dist, error) {
	at := p.pos
	end := strings.IndexByte(p.in[p.pos:], ')')
	if end < 0 {
		return nil, p.errAt(len(p.in), "expected \")\" after the file name")
	}
	file := strings.TrimSpace(p.in[p.pos+1 : p.pos+end])
	p.pos += end + 1
	if file == "" {
		return nil, p.errAt(at, "expected a file name after @, e.g. %s(@data/latency.txt)", name.s)
	}
	text := name.s + "(@" + file + ")"
	fail := func(err error) (Dist, error) { return nil, p.errAt(at, "%v", err) }
	if name.s == "samples" {
		var v []float64
		err := ReadData(p.open, file, true, func(line int, f []string) error {
			if len(f) != 1 {
				return fmt.Errorf("want one sample a line (seconds such as 0.0123, or a duration such as 12.3ms), got %d fields", len(f))
			}
			if len(v) == MaxSamples {
				return fmt.Errorf("more than %d samples (MaxSamples)", MaxSamples)
			}
			ns, err := ParseSeconds(f[0], "sample")
			if err != nil {
				return err
			}
			if ns < 0 {
				return fmt.Errorf("a sample must be >= 0, got %s", f[0])
			}
			v = append(v, float64(ns))
			return nil
		})
		if err != nil {
			return fail(err)
		}
		if len(v) == 0 {
			return fail(&DataError{File: file, Msg: "no samples (want one value a line)"})
		}
		return samplesDist(text, v), nil
	}
	var bs []bucket
	err := ReadData(p.open, file, true, func(line int, f []string) error {
		if len(f) != 2 {
			return fmt.Errorf("want 2 fields, a bucket's upper bound and its count (e.g. 0.025,340), got %d", len(f))
		}
		if len(bs) == MaxBuckets {
			return fmt.Errorf("more than %d buckets (MaxBuckets)", MaxBuckets)
		}
		var le float64
		if isInf(f[0]) {
			le = math.Inf(1)
		} else {
			ns, err := ParseSeconds(f[0], "bound")
			if err != nil {
				return err
			}
			if ns < 0 {
				return fmt.Errorf("a bucket bound must be >= 0, got %s", f[0])
			}
			le = float64(ns)
		}
		c, err := ParseCount(f[1], "count")
		if err != nil {
			return err
		}
		bs = append(bs, bucket{le: le, count: c, at: line})
		return nil
	})
	if err != nil {
		return fail(err)
	}
	bad := func(b bucket, format string, args ...any) error {
		return &DataError{File: file, Line: b.at, Msg: fmt.Sprintf(format, args...)}
	}
	d, err := histogram(name.s, text, bs, name.s == "le", bad)
	if err != nil {
		return fail(err)
	}
	return d, nil
}

// isInf reports whether a bound is written as infinity (+Inf, Inf, inf).
func isInf(s string) bool {
	s = strings.TrimPrefix(s, "+")
	return strings.EqualFold(s, "inf")
}
