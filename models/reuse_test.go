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
	reclaimed := 0
	for i, cfg := range cfgs {
		fresh, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := results(fresh)
		inFlight := 0
		if prev != nil {
			inFlight = prev.inFlight
		}
		w, err := BuildReusing(cfg, prev)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil {
			// every attempt the world before made, those in flight at
			// its end too, is in the new world's pool
			free := 0
			for a := w.attempts; a != nil; a = a.nextWait {
				free++
			}
			if free != len(w.madeAttempts) {
				t.Errorf("world %d: %d attempts in the pool, %d made before", i, free, len(w.madeAttempts))
			}
			reclaimed += inFlight
		}
		if prev != nil && w != prev {
			t.Errorf("world %d: not built in the memory of the one before", i)
		}
		if got := results(w); !bytes.Equal(got, want) {
			t.Errorf("world %d built in the memory of world %d: results differ from a fresh build's\ngot  %.300s\nwant %.300s", i, i-1, got, want)
		}
		prev = w
	}
	if reclaimed == 0 {
		t.Error("no world ended with attempts in flight: the pools' reclaim went untested")
	}
}
