package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// Margin claims: [[expect]] metric = "margin.survived" (the largest size
// the variant recovered from, at the claim's duration) or
// "margin.tipped" (the smallest it did not), checked against the search
// the [margin] table declares, so that a change that shrinks the margin
// fails CI. A batch (Run) leaves them out; CheckMargins and stampede
// margin check them.

// marginLeaves are the metrics of a margin claim after "margin.".
var marginLeaves = []string{"survived", "tipped"}

// IsMarginMetric reports whether a claim's metric is about the margin.
func IsMarginMetric(metric string) bool {
	return strings.HasPrefix(metric, "margin.") || metric == "margin"
}

// HasMarginClaims reports whether s has a claim about the margin.
func (s *Scenario) HasMarginClaims() bool {
	for _, ex := range s.Expect {
		if IsMarginMetric(ex.Metric) {
			return true
		}
	}
	return false
}

// checkMarginExpect checks a margin claim: a [margin] table that searches
// its variants (and relative_to's), a known leaf, a number to compare,
// a duration among the table's, no sweep point.
func (s *Scenario) checkMarginExpect(ex *Expect, p format.Path, names []string, d *format.Decoder) {
	m := s.Margin
	if m == nil {
		d.Fail(p.Field("metric"), nil, "%q is a margin claim, and the scenario has no [margin] table to search: declare the trigger family there (docs/SCENARIOS.md)", ex.Metric)
		return
	}
	if leaf := strings.TrimPrefix(ex.Metric, "margin."); !slices.Contains(marginLeaves, leaf) {
		d.Fail(p.Field("metric"), nil, "%q is not a margin metric: margin.survived (the largest size recovered from) or margin.tipped (the smallest that tipped)%s",
			ex.Metric, format.DidYouMean(ex.Metric, []string{"margin.survived", "margin.tipped"}, "margin metrics"))
	}
	checkClaimVariants(ex, p, names, s.MarginVariants(), "searched", "margin", d)
	checkNumberClaim(ex, p, d, "picks a sweep point, and a margin claim has none: pick the trigger's duration with for")
	if ex.For != "" {
		switch {
		case len(m.For) == 0:
			d.Fail(p.Field("for"), nil, "picks a duration, and the [margin] table searches the file's own (give it duration and for)")
		case marginFor(m.For, ex.For) < 0:
			d.Fail(p.Field("for"), nil, "%q is not a duration of margin.for (%s)", ex.For, strings.Join(m.For, ", "))
		}
	}
}

// marginFor returns the index of duration d among durs (compared as
// durations: "1m" is "60s"), or -1.
func marginFor(durs []string, d string) int {
	want, err := time.ParseDuration(strings.TrimSpace(d))
	if err != nil {
		return -1
	}
	for i, x := range durs {
		if got, err := time.ParseDuration(strings.TrimSpace(x)); err == nil && got == want {
			return i
		}
	}
	return -1
}

// MarginRun are the options of CheckMargins that are not in the
// [margin] table.
type MarginRun struct {
	Set      []string
	Parallel int
	Now      func() time.Time
}

// CheckMargins searches the margin of every variant the [margin] table
// names, as it declares, and checks the margin claims against them.
func CheckMargins(s *Scenario, o MarginRun) ([]*results.Margin, []Claim, error) {
	if s.Margin == nil {
		return nil, nil, fmt.Errorf("%s has no [margin] table", s.Name)
	}
	var ms []*results.Margin
	for _, v := range s.MarginVariants() {
		mo := s.MarginOptions(v)
		mo.Set, mo.Parallel, mo.Now = o.Set, o.Parallel, o.Now
		m, err := SearchMargin(s, mo)
		if err != nil {
			return nil, nil, err
		}
		ms = append(ms, m)
	}
	return ms, MarginClaims(s, ms), nil
}

// MarginClaims checks s's margin claims against margins searched (one
// per variant); a claim whose variant or duration was not searched is
// skipped.
func MarginClaims(s *Scenario, ms []*results.Margin) []Claim {
	var out []Claim
	for _, ex := range s.Expect {
		if IsMarginMetric(ex.Metric) {
			out = append(out, evalMargin(s, ex, ms))
		}
	}
	return out
}

func evalMargin(s *Scenario, ex Expect, ms []*results.Margin) Claim {
	dur := ex.For
	if dur == "" && s.Margin != nil && len(s.Margin.For) > 0 {
		dur = s.Margin.For[0]
	}
	metric := ex.Metric
	if dur != "" {
		metric += " for " + dur
	}
	c := Claim{File: s.File, Pos: ex.pos, Variant: ex.Variant, Metric: metric, About: ex.About, Want: want(metaExpectOf(ex))}
	value := func(variant string) (float64, *results.MarginPoint, bool) {
		for _, m := range ms {
			if m.Variant != variant {
				continue
			}
			for i := range m.Points {
				p := &m.Points[i]
				if dur == "" || marginFor([]string{p.Duration}, dur) == 0 {
					if strings.HasSuffix(ex.Metric, ".tipped") {
						return p.Tipped, p, true
					}
					return p.Survived, p, true
				}
			}
		}
		return 0, nil, false
	}
	got, p, ok := value(ex.Variant)
	if !ok {
		c.Got, c.Skipped = "not searched", true
		return c
	}
	c.Got = fmt.Sprintf("%s (bracket %s to %s, %d/%d and %d/%d runs recovered)", fmtNum(got), fmtNum(p.Survived), fmtNum(p.Tipped),
		p.SurvivedRecovered, p.SurvivedRuns, p.TippedRecovered, p.TippedRuns)
	if ex.RelativeTo != "" {
		other, _, ok := value(ex.RelativeTo)
		switch {
		case !ok:
			c.Got, c.Skipped = "not searched (no "+ex.RelativeTo+" to compare with)", true
			return c
		case other == 0:
			c.Got = fmt.Sprintf("%s / 0: the ratio is undefined", fmtNum(got))
			return c
		}
		c.Got = fmt.Sprintf("%s (%s / %s)", fmtNum(got/other), fmtNum(got), fmtNum(other))
		got /= other
	}
	if ex.Equals != nil {
		w, _ := format.Number(ex.Equals)
		c.OK = math.Abs(got-w) <= ex.Tolerance
	} else {
		c.OK = (ex.Min == nil || got >= *ex.Min) && (ex.Max == nil || got <= *ex.Max)
	}
	return c
}
