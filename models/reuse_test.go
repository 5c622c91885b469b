package models

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
)

// TestBuildReusing: a world built in the memory of a finished one
// (BuildReusing, as a batch's worker does from run to run) gives the
// results a fresh Build gives, byte for byte, whatever the world before
// it had: more clients, fewer, faults, a schedule, traces.
func TestBuildReusing(t *testing.T) {
	traced := oneService(50, "exp(10ms)", 20*time.Second)
	traced.Traces = config.DefaultTraces
	cfgs := []config.Config{noisyNeighbour(""), collapse(), noisyNeighbour("caller"), traced, collapse(), noisyNeighbour("")}
	results := func(w *World) []byte {
		t.Helper()
		if err := w.Run(); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(w.Results())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var prev *World
	for i, cfg := range cfgs {
		fresh, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := results(fresh)
		w, err := BuildReusing(cfg, prev)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil && w != prev {
			t.Errorf("world %d: not built in the memory of the one before", i)
		}
		if got := results(w); !bytes.Equal(got, want) {
			t.Errorf("world %d built in the memory of world %d: results differ from a fresh build's\ngot  %.300s\nwant %.300s", i, i-1, got, want)
		}
		prev = w
	}
}
