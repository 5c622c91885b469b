package config

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/sim"
)

func textOpener(s string) sim.Opener {
	return func(string) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func TestRateCurveLimits(t *testing.T) {
	var b strings.Builder
	for i := range MaxCurvePoints + 1 {
		fmt.Fprintf(&b, "%d,1\n", i)
	}
	var c RateCurve
	err := c.LoadData(textOpener(b.String()), "big.csv")
	want := fmt.Sprintf("big.csv:%d: more than %d rows (MaxCurvePoints)", MaxCurvePoints+1, MaxCurvePoints)
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if c.Path != "big.csv" || c.Points() != nil {
		t.Errorf("a curve that failed to load keeps its name and no rows, got %q and %d rows", c.Path, len(c.Points()))
	}
	for text, want := range map[string]string{
		"":               "c.csv: no rows (want `t, calls_per_s` lines)",
		"0,1,2\n":        "c.csv:1: want 2 fields, t and calls_per_s (e.g. 12.5,340), got 3",
		"0,x\n":          `c.csv:1: calls_per_s: want a number, got "x"`,
		"0,2e9\n":        "c.csv:1: calls_per_s must be <= 1e9, got 2e9",
		"1s,1\n1000ms,2": "c.csv:2: t must increase from row to row: 1000ms is not after the previous row's 1",
	} {
		if err := c.LoadData(textOpener(text), "c.csv"); err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %s", text, err, want)
		}
	}
}

func TestTimestampsCompact(t *testing.T) {
	// 100000 arrivals 1 ms apart hold in about 2 bytes each, and walk back
	// to the same times.
	var b strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&b, "%d.%03d\n", 1733450000+i/1000, i%1000)
	}
	var ts Timestamps
	if err := ts.LoadData(textOpener(b.String()), "ts"); err != nil {
		t.Fatal(err)
	}
	if ts.Len() != 100_000 || len(ts.gaps) > 3*100_000 {
		t.Fatalf("%d timestamps in %d bytes", ts.Len(), len(ts.gaps))
	}
	at, off := ts.First(), 0
	for i := 1; i < ts.Len(); i++ {
		var g int64
		g, off = ts.Gap(off)
		at += g
		if want := int64(1733450000)*1e9 + int64(i)*1e6; at != want {
			t.Fatalf("timestamp %d reads back as %d, want %d", i, at, want)
		}
	}
	if at != ts.Last() {
		t.Errorf("walked to %d, Last is %d", at, ts.Last())
	}
}
