package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunPlots: --out DIR --plots writes the data and, beside it, every
// figure the results support, as PNG.
func TestRunPlots(t *testing.T) {
	// Without its sweep, the small scenario has variants over time and a
	// fault: time series, latency and compare figures.
	noSweep := strings.Replace(smallScenario, `[sweep]
x = { path = "clients.users.rate", values = [100, 200] }`, "", 1)
	if noSweep == smallScenario {
		t.Fatal("the small scenario no longer has the sweep this test removes")
	}
	f := writeScenario(t, "small.toml", noSweep)
	dir := filepath.Join(t.TempDir(), "out")
	code, _, errOut := stampede(t, "run", f, "--out", dir, "--plots")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var pngs []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".png") {
			continue
		}
		pngs = append(pngs, e.Name())
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s is not a PNG", e.Name())
		}
	}
	for _, want := range []string{"timeseries.png", "latency.png", "compare.png"} {
		if !strings.Contains(strings.Join(pngs, " "), want) {
			t.Errorf("--plots wrote %v, want %s among them", pngs, want)
		}
	}
	if code, _, errOut := stampede(t, "run", f, "--plots"); code != 2 || !strings.Contains(errOut, "give --out DIR") {
		t.Errorf("--plots without --out: exit %d, %q", code, errOut)
	}
}

// TestPlotSavedDeclaredFigures: a scenario's declared figures travel in
// its summary.json, so that stampede plot DIR draws what run --plots drew,
// byte for byte.
func TestPlotSavedDeclaredFigures(t *testing.T) {
	noSweep := strings.Replace(smallScenario, `[sweep]
x = { path = "clients.users.rate", values = [100, 200] }`, "", 1)
	declared := noSweep + `
[[figures]]
kind = "timeseries"
title = "A declared title"
variants = ["base"]
`
	f := writeScenario(t, "declared.toml", declared)
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, errOut := stampede(t, "run", f, "--out", dir, "--plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sum, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sum), `"title": "A declared title"`) {
		t.Fatalf("summary.json does not carry the declared figure")
	}
	again := filepath.Join(t.TempDir(), "again") + string(filepath.Separator)
	if code, _, errOut := stampede(t, "plot", dir, "-o", again); code != 0 {
		t.Fatalf("plot DIR: exit %d: %s", code, errOut)
	}
	for _, name := range []string{"timeseries.png", "latency.png", "compare.png"} {
		a, errA := os.ReadFile(filepath.Join(dir, name))
		b, errB := os.ReadFile(filepath.Join(again, name))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: plot DIR drew other bytes than run --plots (%v, %v)", name, errA, errB)
		}
	}
}
