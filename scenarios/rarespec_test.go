package scenarios

import (
	"strings"
	"testing"
)

// rareClaimSource is an M/M/1 queue at utilisation 0.5 and a variant at
// 0.25, with a [rare] table (the queue reaching 6 within a second) and
// rare claims: one that holds, one that fails, one relative to the base.
const rareClaimSource = `duration = "10s"
seed = 1

[[services]]
name = "server"
workers = 1
service_time = "exp(1ms)"

[[clients]]
name = "customers"
target = "server"
rate = 500

[[variants]]
name = "fast"
set = { "services.server.service_time" = "exp(0.5ms)" }

[rare]
importance = "queue:server"
target = 6
horizon = "1s"
effort = 20
replications = 2
variants = ["base", "fast"]

[[expect]]
metric = "rare.probability"
min = 0.1
max = 1
about = "holds: the queue reaches 6 in most seconds at utilisation 0.5"

[[expect]]
metric = "rare.ci_high"
max = 1e-3
about = "fails"

[[expect]]
variant = "fast"
metric = "rare.probability"
relative_to = "base"
max = 0.5
about = "holds: at half the utilisation it is far rarer"

[[expect]]
metric = "calls"
min = 1
`

// TestRareClaims: a batch lists rare claims as not checked unless asked
// (Options.Rare), then estimates each variant of the [rare] table and
// checks them; another estimate than the table's skips them.
func TestRareClaims(t *testing.T) {
	s, err := Load("r.toml", []byte(rareClaimSource))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Claims) != 4 || !res.Claims[0].OK || !res.Claims[1].Skipped || !strings.Contains(res.Claims[1].Got, "stampede check --rare") {
		t.Fatalf("without Rare: %+v", res.Claims)
	}
	res, err = Run(s, Options{Rare: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false, true} {
		c := res.Claims[i]
		t.Logf("%s %s: want %s, got %s, ok %v", c.Variant, c.Metric, c.Want, c.Got, c.OK)
		if c.OK != want || c.Skipped {
			t.Errorf("claim %d (%s): ok %v skipped %v, want %v", i, c.About, c.OK, c.Skipped, want)
		}
	}
	sv, o, err := s.RareEstimate("fast")
	if err != nil || sv == nil || o.Effort != 20 || o.Replications != 2 || *o.Target != 6 || o.Horizon.String() != "1s" || o.Variant != "fast" {
		t.Errorf("RareEstimate: %+v, %v", o, err)
	}
	for _, c := range RareClaims(s, nil, "--effort made another estimate") {
		if !c.Skipped || c.Got != "not checked: --effort made another estimate" {
			t.Errorf("claim %s: %+v", c.Metric, c)
		}
	}
}
