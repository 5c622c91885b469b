package scenarios

import (
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// marginTable is a quick search of stability-map's 10 s slowdown, in the
// base and in "slow" (a lower load, so a wider margin).
const marginTable = `size = "faults.0.factor"
from = 1.2
to = 6
duration = "faults.0.for"
for = ["10s"]
variants = ["base", "slow"]
replications = 1
tolerance = 0.1
`

func marginClaimSource(t *testing.T, claims string) []byte {
	t.Helper()
	src := marginSource(t, marginTable)
	return append(src, []byte("\n[[variants]]\nname = \"slow\"\nset = { \"clients.users.rate\" = 150 }\n"+claims)...)
}

// TestMarginClaims: margin claims hold or fail by the searched margin,
// each variant's, and relative to another's; a batch leaves them out.
func TestMarginClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("searches stability-map's margin")
	}
	s, err := Load("m.toml", marginClaimSource(t, `
[[expect]]
metric = "margin.survived"
min = 1.5
about = "holds: the stability map's 1.5x for 10 s is recovered from"

[[expect]]
metric = "margin.tipped"
for = "10s"
max = 1.4
about = "fails: the base survives more than 1.4x"

[[expect]]
variant = "slow"
metric = "margin.survived"
relative_to = "base"
min = 1.1
about = "holds: a lower load survives a larger slowdown"

[[expect]]
variant = "slow"
metric = "margin.survived"
max = 1.5
about = "fails: the slow variant survives more than 1.5x"

[[expect]]
metric = "calls"
min = 1
about = "a claim for the batch"
`))
	if err != nil {
		t.Fatal(err)
	}
	ms, claims, err := CheckMargins(s, MarginRun{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || len(claims) != 4 { // the batch's claim is left out
		t.Fatalf("%d margins, %d claims; want 2 and 4", len(ms), len(claims))
	}
	for i, want := range []bool{true, false, true, false} {
		c := claims[i]
		t.Logf("%s %s: want %s, got %s, ok %v", c.Variant, c.Metric, c.Want, c.Got, c.OK)
		if c.OK != want || c.Skipped || c.Pos.Line == 0 {
			t.Errorf("claim %d (%s, line %d): ok %v, want %v; got %s", i, c.About, c.Pos.Line, c.OK, want, c.Got)
		}
	}
	if claims[1].Metric != "margin.tipped for 10s" {
		t.Errorf("metric %q, want the duration named", claims[1].Metric)
	}
	one := format.Clone(s)
	one.Sweep, one.Expect = nil, nil
	for _, ex := range s.Expect {
		if ex.X == nil && ex.Y == nil {
			one.Expect = append(one.Expect, ex)
		}
	}
	res, err := Run(one, Options{Set: []string{"duration=40s", "faults.0.at=5s"}, Replications: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Claims) == 0 {
		t.Error("the batch checked no claim")
	}
	for _, c := range res.Claims {
		if IsMarginMetric(c.Metric) {
			t.Errorf("a batch evaluated the margin claim %s", c.Metric)
		}
	}
}

// TestMarginClaimsBadInput: a margin claim the [margin] table cannot
// answer is an error at its key when the file loads.
func TestMarginClaimsBadInput(t *testing.T) {
	for _, tc := range []struct{ claim, want string }{
		{`metric = "margin.survivd"
min = 1`, `expect[10].metric: "margin.survivd" is not a margin metric: margin.survived`},
		{`variant = "retry-budget"
metric = "margin.survived"
min = 1`, `expect[10].variant: "retry-budget" is not searched by the [margin] table (margin.variants: base, slow)`},
		{`metric = "margin.survived"
relative_to = "no-retries"
min = 1`, `expect[10].relative_to: "no-retries" is not searched`},
		{`metric = "margin.survived"
for = "20s"
min = 1`, `expect[10].for: "20s" is not a duration of margin.for (10s)`},
		{`metric = "margin.survived"
x = 2
min = 1`, `expect[10].x: picks a sweep point, and a margin claim has none`},
		{`metric = "margin.survived"
equals = "big"`, `expect[10].equals: margin.survived is a number`},
		{`metric = "margin.survived"`, `expect[10]: needs equals, or min and/or max`},
		{`metric = "recovered_fraction"
for = "10s"
equals = 1`, `expect[10].for: picks the trigger duration of a margin claim`},
	} {
		_, err := Load("m.toml", marginClaimSource(t, "\n[[expect]]\n"+tc.claim+"\n"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\nerror %v\nwant one saying %q", tc.claim, err, tc.want)
		}
	}
	src := strings.Replace(string(marginClaimSource(t, "\n[[expect]]\nmetric = \"margin.tipped\"\nmax = 3\n")), "[margin]", "[margin_]", 1)
	if _, err := Load("m.toml", []byte(src)); err == nil {
		t.Error("[margin_] accepted")
	}
	plain, err := BuiltinSource("stability-map")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load("m.toml", append(plain, "\n[[expect]]\nmetric = \"margin.tipped\"\nmax = 3\n"...))
	if err == nil || !strings.Contains(err.Error(), "is a margin claim, and the scenario has no [margin] table") {
		t.Errorf("no table: %v", err)
	}
}
