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
