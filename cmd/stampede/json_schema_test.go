package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stampede-sim/stampede/scenarios"
)

// summarySchema compiles the JSON Schema published in docs.
func summarySchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join("..", "..", "docs", "summary.schema.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("summary.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("summary.schema.json")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// validJSON reports whether out is one JSON document valid against s.
func validJSON(t *testing.T, s *jsonschema.Schema, what, out string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var probe json.RawMessage
	if err := dec.Decode(&probe); err != nil {
		t.Fatalf("%s: not JSON: %v", what, err)
	}
	if dec.More() {
		t.Fatalf("%s: more than one JSON document", what)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s does not match docs/summary.schema.json: %v", what, err)
	}
	return doc
}

// TestJSONSchema validates real output (a sweep with replications and
// claims, a built-in, several scenarios at once) against the schema in
// docs, and checks that the schema can fail.
func TestJSONSchema(t *testing.T) {
	s := summarySchema(t)
	small := writeScenario(t, "small.toml", smallScenario)
	// A variant with a seed of its own, 0: its row says "seed": 0.
	seeded := writeScenario(t, "seeded.toml", smallScenario+"\n[[variants]]\nname = \"seed-zero\"\nset = { seed = 0 }\n")
	for _, args := range [][]string{
		{"run", small, "--json", "--replications", "2"},
		{"run", seeded, "--json", "--variant", "seed-zero"},
		{"run", "mm1", "--json"},
		{"run", "mm1", small, "--json"},
	} {
		code, out, errOut := stampede(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		doc := validJSON(t, s, strings.Join(args, " "), out)
		top, _ := doc.(map[string]any)
		if v, ok := top["schema_version"].(json.Number); !ok || v.String() != "1" {
			t.Errorf("%v: schema_version %v, want 1", args, top["schema_version"])
		}
		if args[1] == seeded && (!strings.Contains(out, `"seed": 3,`) || !strings.Contains(out, `"seed": 0,`)) {
			t.Errorf("%v: the row of seed 0 does not say so:\n%.400s", args, out)
		}
		if len(args) == 4 {
			list, _ := top["scenarios"].([]any)
			if len(list) != 2 {
				t.Errorf("%v: %d scenarios in the document, want 2", args, len(list))
			}
		}
	}
	// The schema rejects what breaks the contract.
	for name, bad := range map[string]string{
		"no schema_version":          `{"scenario": "x", "title": "", "seed": 1, "replications": 1, "variants": []}`,
		"a newer version":            `{"schema_version": 2, "scenario": "x", "title": "", "seed": 1, "replications": 1, "variants": []}`,
		"a count as a string":        `{"schema_version": 1, "scenario": "x", "title": "", "seed": 1, "replications": 1, "variants": [{"name": "base", "calls": "9"}]}`,
		"a listed summary cut short": `{"schema_version": 1, "scenarios": [{"schema_version": 1}]}`,
	} {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if s.Validate(doc) == nil {
			t.Errorf("the schema accepts a summary with %s", name)
		}
	}
}

// TestJSONSchemaBuiltins validates the --json of every built-in (the SLOs
// and alerts of rolling-deploy, the sweeps, the caches and jobs).
func TestJSONSchemaBuiltins(t *testing.T) {
	long(t, "runs every built-in scenario")
	s := summarySchema(t)
	for _, name := range scenarios.BuiltinNames() {
		code, out, errOut := stampede(t, "run", name, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		validJSON(t, s, "stampede run "+name+" --json", out)
	}
}

// long skips a long validation unless STAMPEDE_LONG is set (.ci/run sets
// it), so that the default go test ./... stays quick.
func long(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("STAMPEDE_LONG") == "" {
		t.Skipf("%s: set STAMPEDE_LONG=1 to run it (.ci/run does)", why)
	}
}
