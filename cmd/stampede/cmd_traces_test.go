package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunTraces(t *testing.T) {
	file := writeScenario(t, "small.toml", smallScenario)
	out := filepath.Join(t.TempDir(), "traces.json")
	code, stdout, stderr := stampede(t, "run", file, "--traces", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "variant") {
		t.Errorf("no table:\n%s", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.TraceEvents) == 0 {
		t.Fatalf("traces file: %v, %d events", err, len(doc.TraceEvents))
	}
	// The same seed writes the same bytes.
	out2 := filepath.Join(t.TempDir(), "again.json")
	if code, _, stderr := stampede(t, "run", file, "--traces", out2, "--parallel", "1"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b2, _ := os.ReadFile(out2)
	if !bytes.Equal(b, b2) {
		t.Error("two runs wrote different traces")
	}
	if code, _, stderr := stampede(t, "run", file, "--traces", out, "--shard", "1/2", "--out", t.TempDir()); code == 0 || !strings.Contains(stderr, "--traces") {
		t.Errorf("--traces with --shard: exit %d, %s", code, stderr)
	}
}
