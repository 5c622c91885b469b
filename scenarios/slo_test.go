package scenarios

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const sloScenario = `
duration = "40s"
seed = 3
[[services]]
name = "api"
replicas = 2
workers = 2
queue = { limit = 5 }
service_time = "exp(10ms)"
[[clients]]
name = "users"
target = "api"
rate = 250
timeout = "100ms"
[[faults]]
kind = "bad_deploy"
target = "api"
at = "10s"
probability = 0.5
detect = "10s"
[[slos]]
name = "avail"
client = "users"
objective = 0.99
window = "10m"
[[variants]]
name = "slow-detect"
set = { "faults.0.detect" = "20s" }
[[expect]]
metric = "alerts.avail.page-1h.detect_s"
max = 2
[[expect]]
variant = "slow-detect"
metric = "slos.avail.budget_spent"
relative_to = "base"
min = 1.5
`

func TestSLOOutputs(t *testing.T) {
	s := mustLoad(t, "slo.toml", sloScenario)
	res, err := Run(s, Options{Traces: true, Replications: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Claims {
		if !c.OK {
			t.Errorf("claim %s %s: want %s, got %s", c.Variant, c.Metric, c.Want, c.Got)
		}
	}
	var table bytes.Buffer
	if err := res.WriteTable(&table, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := table.String()
	for _, want := range []string{"slo", "budget spent", "first alert", "\nbase  ", "avail", "page-1h"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	var js bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Variants []struct {
			Name   string                               `json:"name"`
			SLOs   map[string]map[string]any            `json:"slos"`
			Alerts map[string]map[string]map[string]any `json:"alerts"`
			CI     map[string]any                       `json:"ci95"`
		} `json:"variants"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, v := range doc.Variants {
		if _, ok := v.SLOs["avail"]["budget_spent"]; !ok {
			t.Errorf("variant %s: no slos.avail.budget_spent", v.Name)
		}
		if _, ok := v.Alerts["avail"]["ticket-3d"]["fired"]; !ok {
			t.Errorf("variant %s: no alerts.avail.ticket-3d.fired", v.Name)
		}
		if _, ok := v.CI["slos"]; !ok {
			t.Errorf("variant %s: no 95%% intervals for the SLO numbers", v.Name)
		}
	}
	// Traces: the first replication of each variant.
	sets := res.TraceSets()
	if len(sets) != 2 || sets[0].Name != "base" || len(sets[0].Traces) == 0 {
		t.Fatalf("trace sets %d (first %q)", len(sets), sets[0].Name)
	}
	var tr bytes.Buffer
	if err := res.WriteTraces(&tr); err != nil || !json.Valid(tr.Bytes()) {
		t.Errorf("trace export: %v, valid JSON %v", err, json.Valid(tr.Bytes()))
	}
	// Without Options.Traces nothing is recorded.
	res, err = Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.TraceSets()) != 0 {
		t.Error("traces recorded without Options.Traces")
	}
	// Claims on SLO metrics are checked when the file loads.
	_, err = Load("bad.toml", []byte(sloScenario+"[[expect]]\nmetric = \"slos.nope.sli\"\nmax = 1\n"))
	if err == nil || !strings.Contains(err.Error(), "slos.nope.sli") {
		t.Errorf("an unknown SLO in a claim: %v", err)
	}
}

// TestDeployDefaultsDoNotLeak: a variant that changes a deploy's timing
// gets its own computed length, not the base's.
func TestDeployDefaultsDoNotLeak(t *testing.T) {
	s := mustLoad(t, "slo.toml", sloScenario)
	if s.Faults[0].For != 0 {
		t.Fatalf("loading computed for into the scenario: %v", s.Faults[0].For)
	}
	if _, err := Run(s, Options{Variants: []string{"slow-detect"}}); err != nil {
		t.Fatal(err)
	}
}
