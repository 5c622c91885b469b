package scenarios_test

import (
	"bytes"
	"testing"

	"github.com/stampede-sim/stampede/models"
	"github.com/stampede-sim/stampede/scenarios"
)

// TestFusedEqualsGeneralBuiltins runs every variant of every built-in
// scenario with its fused paths and shortcuts on (plain calls, plain
// request ends, edges whose strategies are quiet or bare; see
// models/plain.go, World.GeneralLifecycle) and with every call on the
// general lifecycle, and requires the same results byte for byte. The
// variants that take no fused path take the same path both ways and are
// skipped.
func TestFusedEqualsGeneralBuiltins(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every built-in twice")
	}
	plain := 0
	for _, name := range scenarios.BuiltinNames() {
		s, err := scenarios.LoadBuiltin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range s.VariantNames() {
			cfg, err := s.VariantConfig(v)
			if err != nil {
				t.Fatal(err)
			}
			var out [2]bytes.Buffer
			for i, general := range []bool{false, true} {
				w, err := models.Build(cfg)
				if err != nil {
					t.Fatalf("%s/%s: %v", name, v, err)
				}
				if general {
					w.GeneralLifecycle()
				} else {
					if w.PlainClients() == 0 {
						break
					}
					plain++
				}
				_ = w.Run()
				if err := w.Results().WriteJSON(&out[i]); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
				t.Errorf("%s/%s: fused and general results differ", name, v)
			}
		}
	}
	if plain == 0 {
		t.Fatal("no built-in takes a fused path")
	}
	t.Logf("%d variants take a fused path", plain)
}
