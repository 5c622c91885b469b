package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DistError is a syntax or range error in a distribution string, located at
// a byte column of the input so that callers (the scenario loader) can point
// at it.
type DistError struct {
	Input string // the whole string given to ParseDist
	Col   int    // 1-based byte column in Input of the offending token
	Msg   string // what is wrong, and what would be valid
}

// Error returns e.g. `distribution "exp(-3ms)", col 5: exp mean must be > 0,
// got -3ms`.
func (e *DistError) Error() string {
	return fmt.Sprintf("distribution %q, col %d: %s", e.Input, e.Col, e.Msg)
}

// distMaxLen is the longest string ParseDist accepts, in bytes.
const distMaxLen = 4096

// distMaxDepth is how deeply mixtures may nest.
const distMaxDepth = 8

// ParseDist parses a distribution. The syntax, with durations in Go's
// syntax (ns, us or µs, ms, s, m, h; "1m30s"; "0" alone needs no unit) and
// plain numbers for the dimensionless parameters:
//
//	20ms                             constant (also const(20ms))
//	exp(mean)                        exponential: exp(20ms)
//	uniform(min, max)                uniform on [min, max): uniform(5ms, 15ms)
//	normal(mu, sigma)                normal truncated at 0 by resampling
//	lognormal(median, sigma)         median, and sigma of the underlying normal
//	erlang(k, mean)                  k exponential phases, total mean
//	pareto(xm, alpha)                minimum xm, tail index alpha
//	weibull(scale, shape)            weibull(20ms, 1.5)
//	mix(p1: dist1, p2: dist2, ...)   mixture; weights sum to 1 (within 1e-9)
//	buckets(b1: n1, b2: n2, ...)     histogram, n_i samples in (b_{i-1}, b_i] (OpenTelemetry)
//	le(b1: c1, b2: c2, ..., +Inf: c) histogram, c_i samples <= b_i (Prometheus)
//	samples(x1, x2, ...)             the samples' empirical distribution
//	buckets(@FILE), le(@FILE), samples(@FILE)  the same, from a data file
//
// Histograms and samples are sampled by inverse CDF with linear
// interpolation inside each bucket (the first starts at 0) or between
// neighbouring samples; a +Inf bucket must hold no samples beyond the
// last finite bound.
//
// Spaces are allowed between tokens. Means, medians and scales must be > 0;
// mu and min must be >= 0. The types' doc comments give each distribution's
// moments. Errors are *DistError, located at the offending token.
func ParseDist(s string) (Dist, error) { return ParseDistWith(s, nil) }

// ParseDistWith is ParseDist with an Opener for the data files an
// empirical distribution names (samples(@FILE), buckets(@FILE),
// le(@FILE)); with a nil Opener such a distribution is an error.
func ParseDistWith(s string, open Opener) (Dist, error) {
	p := distParser{in: s, open: open}
	if len(s) > distMaxLen {
		return nil, p.errAt(distMaxLen, "longer than %d bytes", distMaxLen)
	}
	d, err := p.dist(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(s) {
		return nil, p.errAt(p.pos, "unexpected %s after the distribution", p.peekDesc())
	}
	return d, nil
}

// MustParseDist is ParseDist that panics on error, for tests, examples and
// package-level defaults.
func MustParseDist(s string) Dist {
	d, err := ParseDist(s)
	if err != nil {
		panic("sim: " + err.Error())
	}
	return d
}

// distKinds are the distribution names, in the order errors list them.
var distKinds = []string{"const", "exp", "uniform", "normal", "lognormal", "erlang", "pareto", "weibull", "mix", "buckets", "le", "samples"}

// empiricalKinds are the distributions taken from data (dist_empirical.go).
var empiricalKinds = map[string]bool{"buckets": true, "le": true, "samples": true}

// distParams names each kind's parameters, for arity errors.
var distParams = map[string][]string{
	"const":     {"value"},
	"exp":       {"mean"},
	"uniform":   {"min", "max"},
	"normal":    {"mu", "sigma"},
	"lognormal": {"median", "sigma"},
	"erlang":    {"k", "mean"},
	"pareto":    {"xm", "alpha"},
	"weibull":   {"scale", "shape"},
}

type distParser struct {
	in   string
	pos  int
	open Opener
}

// distTok is a word token: a number, a duration or a name, and its offset.
type distTok struct {
	at int
	s  string
}

func (p *distParser) errAt(off int, format string, args ...any) *DistError {
	return &DistError{Input: p.in, Col: off + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *distParser) space() {
	for p.pos < len(p.in) && (p.in[p.pos] == ' ' || p.in[p.pos] == '\t') {
		p.pos++
	}
}

// isWordByte reports whether c can be part of a word: letters, digits, the
// characters of numbers and durations, and any non-ASCII byte (µ).
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '+' || c == '-' || c >= 0x80
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// word reads the word at pos (after spaces); its s is empty if there is none.
func (p *distParser) word() distTok {
	p.space()
	start := p.pos
	for p.pos < len(p.in) && isWordByte(p.in[p.pos]) {
		p.pos++
	}
	return distTok{at: start, s: p.in[start:p.pos]}
}

// peekDesc describes the token at pos for an error message.
func (p *distParser) peekDesc() string {
	if p.pos >= len(p.in) {
		return "end of input"
	}
	if isWordByte(p.in[p.pos]) {
		end := p.pos
		for end < len(p.in) && isWordByte(p.in[end]) {
			end++
		}
		return strconv.Quote(p.in[p.pos:end])
	}
	return strconv.Quote(p.in[p.pos : p.pos+1])
}

// expect consumes c (after spaces) or reports an error saying what was
// wanted instead.
func (p *distParser) expect(c byte, want string) error {
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == c {
		p.pos++
		return nil
	}
	return p.errAt(p.pos, "expected %s, got %s", want, p.peekDesc())
}

// dist parses one distribution at pos; depth counts enclosing mixtures.
func (p *distParser) dist(depth int) (Dist, error) {
	t := p.word()
	if t.s == "" {
		return nil, p.errAt(p.pos, "expected a distribution such as 20ms or exp(20ms), got %s", p.peekDesc())
	}
	if !isLetter(t.s[0]) {
		d, err := p.duration(t)
		if err != nil {
			return nil, err
		}
		if d < 0 {
			return nil, p.errAt(t.at, "a constant must be >= 0, got %s", fmtDur(d))
		}
		return constDist{d: d}, nil
	}
	if _, ok := distParams[t.s]; !ok && t.s != "mix" && !empiricalKinds[t.s] {
		if sug := suggestKind(t.s); sug != "" {
			return nil, p.errAt(t.at, "unknown distribution %q (did you mean %q?)", t.s, sug)
		}
		return nil, p.errAt(t.at, "unknown distribution %q (want a duration such as 20ms, or one of %s)",
			t.s, strings.Join(distKinds, ", "))
	}
	p.space()
	if p.pos >= len(p.in) || p.in[p.pos] != '(' {
		return nil, p.errAt(t.at, "%s needs its arguments in parentheses, e.g. %s", t.s, kindExample(t.s))
	}
	p.pos++
	if empiricalKinds[t.s] {
		return p.empirical(t)
	}
	if t.s == "mix" {
		if depth >= distMaxDepth {
			return nil, p.errAt(t.at, "mixtures nest more than %d deep", distMaxDepth)
		}
		return p.mix(t, depth)
	}
	args, closeAt, err := p.args()
	if err != nil {
		return nil, err
	}
	params := distParams[t.s]
	if len(args) != len(params) {
		at := closeAt
		if len(args) > len(params) {
			at = args[len(params)].at
		}
		plural := "s"
		if len(params) == 1 {
			plural = ""
		}
		return nil, p.errAt(at, "%s takes %d argument%s (%s), got %d",
			t.s, len(params), plural, strings.Join(params, ", "), len(args))
	}
	return p.build(t.s, args)
}

// args reads comma-separated words up to and including ")" and returns them
// with the offset of the ")".
func (p *distParser) args() ([]distTok, int, error) {
	var args []distTok
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == ')' {
		p.pos++
		return nil, p.pos - 1, nil
	}
	for {
		a := p.word()
		if a.s == "" {
			return nil, 0, p.errAt(p.pos, "expected an argument, got %s", p.peekDesc())
		}
		if err := p.spacedUnit(a); err != nil && !isLetter(a.s[0]) {
			return nil, 0, err
		}
		args = append(args, a)
		if end, err := p.listNext(); err != nil {
			return nil, 0, err
		} else if end {
			return args, p.pos - 1, nil
		}
	}
}

// listNext reads what follows an item of a parenthesised list: ")",
// which ends it (end is true, and p.pos is past it), or ",".
func (p *distParser) listNext() (end bool, err error) {
	p.space()
	if p.pos < len(p.in) && p.in[p.pos] == ')' {
		p.pos++
		return true, nil
	}
	return false, p.expect(',', `"," or ")"`)
}

// build checks the arguments of a named distribution and makes it.
func (p *distParser) build(kind string, a []distTok) (Dist, error) {
	switch kind {
	case "const":
		v, err := p.dur(a[0], "const value", 0, false)
		if err != nil {
			return nil, err
		}
		return constDist{d: v}, nil
	case "exp":
		m, err := p.dur(a[0], "exp mean", 0, true)
		if err != nil {
			return nil, err
		}
		return newExp(m), nil
	case "uniform":
		lo, err := p.dur(a[0], "uniform min", 0, false)
		if err != nil {
			return nil, err
		}
		hi, err := p.duration(a[1])
		if err != nil {
			return nil, err
		}
		if hi <= lo {
			return nil, p.errAt(a[1].at, "uniform max must be > min (%s), got %s", fmtDur(lo), fmtDur(hi))
		}
		return newUniform(lo, hi), nil
	case "normal":
		mu, err := p.dur(a[0], "normal mu", 0, false)
		if err != nil {
			return nil, err
		}
		sigma, err := p.dur(a[1], "normal sigma", 0, true)
		if err != nil {
			return nil, err
		}
		return newNormal(mu, sigma), nil
	case "lognormal":
		med, err := p.dur(a[0], "lognormal median", 0, true)
		if err != nil {
			return nil, err
		}
		sigma, err := p.num(a[1], "lognormal sigma")
		if err != nil {
			return nil, err
		}
		return newLognormal(med, sigma), nil
	case "erlang":
		k, err := p.number(a[0], "erlang k")
		if err != nil {
			return nil, err
		}
		if k != math.Trunc(k) || k < 1 || k > erlangMaxK {
			return nil, p.errAt(a[0].at, "erlang k must be a whole number of phases from 1 to %d, got %s", erlangMaxK, fmtNum(k))
		}
		m, err := p.dur(a[1], "erlang mean", 0, true)
		if err != nil {
			return nil, err
		}
		return newErlang(int(k), m), nil
	case "pareto":
		xm, err := p.dur(a[0], "pareto xm", 0, true)
		if err != nil {
			return nil, err
		}
		alpha, err := p.num(a[1], "pareto alpha")
		if err != nil {
			return nil, err
		}
		return newPareto(xm, alpha), nil
	case "weibull":
		scale, err := p.dur(a[0], "weibull scale", 0, true)
		if err != nil {
			return nil, err
		}
		shape, err := p.num(a[1], "weibull shape")
		if err != nil {
			return nil, err
		}
		return newWeibull(scale, shape), nil
	}
	panic("sim: no builder for distribution " + kind) // distParams and build disagree
}

// mix parses the body of a mixture after its "(".
func (p *distParser) mix(name distTok, depth int) (Dist, error) {
	var weights []float64
	var comps []Dist
	sum := 0.0
	for {
		if len(weights) == mixMaxComponents {
			p.space()
			return nil, p.errAt(p.pos, "mix has more than %d components", mixMaxComponents)
		}
		wt := p.word()
		if wt.s == "" {
			return nil, p.errAt(p.pos, "expected a mix weight such as 0.5, got %s", p.peekDesc())
		}
		w, err := p.number(wt, "mix weight")
		if err != nil {
			return nil, err
		}
		if w <= 0 || w > 1 {
			return nil, p.errAt(wt.at, "mix weight must be > 0 and <= 1, got %s", fmtNum(w))
		}
		if err := p.expect(':', `":" after the mix weight`); err != nil {
			return nil, err
		}
		c, err := p.dist(depth + 1)
		if err != nil {
			return nil, err
		}
		weights = append(weights, w)
		comps = append(comps, c)
		sum += w
		if end, err := p.listNext(); err != nil {
			return nil, err
		} else if end {
			break
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		return nil, p.errAt(name.at, "mix weights sum to %.12g, want 1 (within 1e-9)", sum)
	}
	return newMix(weights, comps), nil
}

// dur reads a duration argument named what and checks it against min
// (exclusive if strict).
func (p *distParser) dur(t distTok, what string, min time.Duration, strict bool) (time.Duration, error) {
	d, err := p.duration(t)
	if err != nil {
		return 0, err
	}
	if strict && d <= min {
		return 0, p.errAt(t.at, "%s must be > %s, got %s", what, fmtDur(min), fmtDur(d))
	}
	if !strict && d < min {
		return 0, p.errAt(t.at, "%s must be >= %s, got %s", what, fmtDur(min), fmtDur(d))
	}
	return d, nil
}

// num reads a dimensionless argument named what that must be > 0.
func (p *distParser) num(t distTok, what string) (float64, error) {
	x, err := p.number(t, what)
	if err != nil {
		return 0, err
	}
	if x <= 0 {
		return 0, p.errAt(t.at, "%s must be > 0, got %s", what, fmtNum(x))
	}
	return x, nil
}

// durUnits are the units time.ParseDuration knows.
var durUnits = map[string]bool{"ns": true, "us": true, "µs": true, "μs": true, "ms": true, "s": true, "m": true, "h": true}

// duration reads a word as a duration in Go's syntax.
func (p *distParser) duration(t distTok) (time.Duration, error) {
	d, err := time.ParseDuration(t.s)
	if err == nil {
		return d, nil
	}
	if err := p.spacedUnit(t); err != nil {
		return 0, err
	}
	// Say what is wrong: a missing or unknown unit, or anything else.
	hasUnit := false
	for i := 0; i < len(t.s); {
		j := i
		for j < len(t.s) && (t.s[j] == '.' || t.s[j] == '+' || t.s[j] == '-' || '0' <= t.s[j] && t.s[j] <= '9') {
			j++
		}
		k := j
		for k < len(t.s) && !(t.s[k] == '.' || t.s[k] == '+' || t.s[k] == '-' || '0' <= t.s[k] && t.s[k] <= '9') {
			k++
		}
		if unit := t.s[j:k]; unit != "" {
			hasUnit = true
			if !durUnits[unit] {
				return 0, p.errAt(t.at, "bad duration %q: unknown unit %q (want ns, us, ms, s, m or h)", t.s, unit)
			}
		}
		i = k
	}
	if !hasUnit {
		return 0, p.errAt(t.at, "bad duration %q: missing unit (want e.g. %sms; units are ns, us, ms, s, m, h)", t.s, t.s)
	}
	return 0, p.errAt(t.at, "bad duration %q (want e.g. 20ms or 1m30s, at most 2562047h)", t.s)
}

// spacedUnit reports a number t followed by spaces and a unit ("10 ms"),
// or returns nil.
func (p *distParser) spacedUnit(t distTok) error {
	i := t.at + len(t.s)
	j := i
	for j < len(p.in) && (p.in[j] == ' ' || p.in[j] == '\t') {
		j++
	}
	k := j
	for k < len(p.in) && isWordByte(p.in[k]) {
		k++
	}
	if u := p.in[j:k]; j > i && durUnits[u] && wellFormed(t.s+u) {
		return p.errAt(t.at, "bad duration %q: a space between the number and its unit; write %s", p.in[t.at:k], t.s+u)
	}
	return nil
}

// number reads a word as a finite plain number.
func (p *distParser) number(t distTok, what string) (float64, error) {
	x, err := strconv.ParseFloat(t.s, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		if _, derr := time.ParseDuration(t.s); derr == nil && t.s != "0" {
			return 0, p.errAt(t.at, "%s is a plain number without a unit, got %q", what, t.s)
		}
		return 0, p.errAt(t.at, "bad number %q for %s", t.s, what)
	}
	return x, nil
}

// kindExample is a valid use of the named distribution, for error messages.
func kindExample(kind string) string {
	switch kind {
	case "const":
		return "const(20ms)"
	case "exp":
		return "exp(20ms)"
	case "uniform":
		return "uniform(5ms, 15ms)"
	case "normal":
		return "normal(20ms, 5ms)"
	case "lognormal":
		return "lognormal(20ms, 0.8)"
	case "erlang":
		return "erlang(4, 20ms)"
	case "pareto":
		return "pareto(10ms, 1.5)"
	case "weibull":
		return "weibull(20ms, 1.5)"
	case "buckets":
		return "buckets(5ms: 120, 10ms: 300, 25ms: 80)"
	case "le":
		return "le(5ms: 120, 10ms: 420, 25ms: 500, +Inf: 500)"
	case "samples":
		return "samples(3ms, 4.5ms, 12ms) or samples(@data/latency.txt)"
	}
	return "mix(0.9: 1ms, 0.1: 10ms)"
}

// suggestKind returns the distribution name the unknown name w was most
// likely meant to be, or "" if none is close: a name that is a prefix of w
// or has w as a prefix ("exponential", "unif"), else the nearest within
// edit distance 2.
func suggestKind(w string) string {
	lw := strings.ToLower(w)
	if len(lw) >= 3 {
		for _, k := range distKinds {
			if strings.HasPrefix(lw, k) || strings.HasPrefix(k, lw) {
				return k
			}
		}
	}
	best, bestD := "", 3
	for _, k := range distKinds {
		if d := EditDistance(lw, k); d < bestD && d < len(k) {
			best, bestD = k, d
		}
	}
	return best
}

// EditDistance is the optimal string alignment distance between a and b
// (Levenshtein with adjacent transpositions: "epx" is 1 from "exp"), over
// bytes: the one measure behind every "did you mean" of the scenario
// format. Strings over 64 bytes are 64 from anything but themselves, which
// bounds the work.
func EditDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 64
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
