package scenarios

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// marginSource is stability-map with a [margin] table appended.
func marginSource(t *testing.T, table string) []byte {
	t.Helper()
	src, err := os.ReadFile("library/stability-map.toml")
	if err != nil {
		t.Fatal(err)
	}
	return append(src, []byte("\n[margin]\n"+table)...)
}

// TestMarginTable: a [margin] table declares the search; what it leaves
// out stays nil (SearchMargin's defaults), what it gives is kept.
func TestMarginTable(t *testing.T) {
	s, err := Load("m.toml", marginSource(t, `size = "faults.0.factor"
from = 1.2
to = 6
duration = "faults.0.for"
for = ["1s", "10s"]
variants = ["base", "retry-budget"]
boundary_replications = 5
`))
	if err != nil {
		t.Fatal(err)
	}
	if v := s.MarginVariants(); strings.Join(v, ",") != "base,retry-budget" {
		t.Errorf("variants %v", v)
	}
	o := s.MarginOptions("retry-budget")
	if o.Size != "faults.0.factor" || o.From != 1.2 || o.To != 6 || o.Duration != "faults.0.for" || strings.Join(o.Durations, ",") != "1s,10s" ||
		o.Variant != "retry-budget" || o.BoundaryReplications != 5 || o.Replications != nil || o.Tolerance != nil {
		t.Errorf("options %+v", o)
	}
	s, err = Load("m.toml", marginSource(t, "size = \"faults.0.factor\"\nfrom = 1\nto = 2\nreplications = 7\ntolerance = 0.2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v := s.MarginVariants(); len(v) != 1 || v[0] != BaseName {
		t.Errorf("variants %v, want the base alone", v)
	}
	if o := s.MarginOptions(BaseName); o.Replications == nil || *o.Replications != 7 || o.Tolerance == nil || *o.Tolerance != 0.2 {
		t.Errorf("options %+v, want 7 runs a probe and tolerance 0.2", o)
	}
}

// TestMarginTableBadInput: each mistake in a [margin] table is an error
// at its key (file:line:col and key path) saying what is valid; an
// explicit 0 is judged, never replaced by the default.
func TestMarginTableBadInput(t *testing.T) {
	lines := strings.Count(string(marginSource(t, "")), "\n") + 1 // the table's first key's line
	for _, tc := range []struct{ table, want string }{
		{`from = 1
to = 2`, ":HEAD:2: margin.size: is required"}, // at the table: the key is missing
		{`size = "faults.0.fator"
from = 1
to = 2`, ":LINE:1: margin.size: no key \"fator\" in faults[0]; did you mean \"factor\"?"},
		{`size = "faults.0.for"
from = 1
to = 2`, ":LINE:1: margin.size: \"faults.0.for\" is a time.Duration, not a number"},
		{`size = "faults.0.factor"
to = 2`, "margin.from: is required"},
		{`size = "faults.0.factor"
from = 3
to = 2`, "margin.to: must be above from (3), got 2"},
		{`size = "faults.0.factor"
from = 1
to = 2
duration = "faults.0.for"`, "margin.for: is required with duration"},
		{`size = "faults.0.factor"
from = 1
to = 2
for = ["1s"]`, "margin.duration: is required with for"},
		{`size = "faults.0.factor"
from = 1
to = 2
duration = "faults.0.factor"
for = ["1s"]`, "margin.duration: \"faults.0.factor\" is a float64, not a duration"},
		{`size = "faults.0.factor"
from = 1
to = 2
duration = "faults.0.for"
for = ["1s", "0s"]`, "margin.for[1]: must be a duration above 0"},
		{`size = "faults.0.factor"
from = 1
to = 2
variants = ["retry-budgt"]`, "margin.variants[0]: no variant named \"retry-budgt\"; did you mean \"retry-budget\"?"},
		{`size = "faults.0.factor"
from = 1
to = 2
replications = 0`, "margin.replications: must be in [1, 1000], got 0"},
		{`size = "faults.0.factor"
from = 1
to = 2
tolerance = 0`, "margin.tolerance: must be in (0, 1), got 0"},
		{`size = "faults.0.factor"
from = 1
to = 2
boundary_replications = -1`, "margin.boundary_replications: must be in [0, 1000], got -1"},
		{`size = "faults.0.factor"
from = 1
to = 2
confidence = 0.9`, "margin.confidence: unknown key; valid keys in margin: size, from, to"},
	} {
		_, err := Load("m.toml", marginSource(t, tc.table))
		want := strings.NewReplacer("LINE", strconv.Itoa(lines), "HEAD", strconv.Itoa(lines-1)).Replace(tc.want)
		if err == nil || !strings.Contains(err.Error(), "m.toml:") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\nerror %v\nwant one saying %q", tc.table, err, want)
		}
	}
}
