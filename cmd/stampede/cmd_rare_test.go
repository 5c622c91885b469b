package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRareHelpExample runs the metastable-retries example of stampede
// rare's help as written: its trigger neutralised and its load raised
// near the edge, it must run and find the rare state reachable (a help
// example that fails, such as one dropping the faults that a variant
// sets, is a defect).
func TestRareHelpExample(t *testing.T) {
	long(t, "runs 750 splitting trajectories of metastable-retries")
	var args []string
	for _, ex := range strings.Split(strings.ReplaceAll(rareCmd{}.Help(), "\\\n", " "), "\n") {
		if f := strings.Fields(ex); len(f) > 2 && f[0] == "stampede" && f[2] == "metastable-retries" {
			args = f[1:]
		}
	}
	if len(args) == 0 {
		t.Fatal("stampede rare's help has no metastable-retries example")
	}
	for i, a := range args {
		args[i] = strings.Trim(a, "'")
	}
	code, out, errOut := stampede(t, args...)
	var r struct {
		Probability float64 `json:"probability"`
		Runs        int     `json:"runs"`
	}
	if code != 0 {
		t.Fatalf("stampede %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || !(r.Probability > 0 && r.Probability < 1) || r.Runs == 0 {
		t.Errorf("%v: probability %v from %d runs, want one in (0, 1)", err, r.Probability, r.Runs)
	}
}

// TestRareClaimsCLI: stampede rare FILE makes the [rare] table's
// estimate and checks the rare claims (exit 1 when one fails); a flag
// that changes the estimate leaves them not checked; stampede check lists
// them as not checked, and checks them with --rare.
func TestRareClaimsCLI(t *testing.T) {
	src := `duration = "10s"
seed = 1

[[services]]
name = "server"
workers = 1
service_time = "exp(1ms)"

[[clients]]
name = "customers"
target = "server"
rate = 500

[rare]
importance = "queue:server"
target = 6
horizon = "1s"
effort = 20
replications = 2

[[expect]]
metric = "rare.probability"
max = MAX
about = "the queue reaching 6 within a second"
`
	good, bad := writeScenario(t, "good.toml", strings.Replace(src, "MAX", "1", 1)), writeScenario(t, "bad.toml", strings.Replace(src, "MAX", "1e-3", 1))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"rare", good}, 0, "claims: 1 of 1 hold"},
		{[]string{"rare", bad}, 1, "want     <= 0.001"},
		{[]string{"rare", bad, "--effort", "10"}, 0, "not checked: --effort made another estimate than the [rare] table's"},
		{[]string{"check", bad}, 0, "ok   bad (0 claims hold, 1 not checked)"},
		{[]string{"check", bad, "--rare"}, 1, "FAIL bad: 1 of 1 claim fail"},
		{[]string{"check", good, "--rare"}, 0, "ok   good (1 claim holds)"},
	} {
		code, out, errOut := stampede(t, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d (want %d), %s\n%s\nwant it to say %q", tc.args, code, tc.code, errOut, out, tc.want)
		}
	}
	code, out, _ := stampede(t, "rare", good, "--json")
	var r struct {
		Levels []float64 `json:"levels"`
		Pilot  *struct {
			Runs int `json:"runs"`
		} `json:"pilot"`
	}
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.Pilot == nil || r.Levels[len(r.Levels)-1] != 6 {
		t.Errorf("rare --json: exit %d, %v: %s", code, err, out)
	}
}
