package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// FuzzLoad feeds the loader arbitrary input, seeded with every scenario
// file in the repository (the built-ins and the test data, good and bad).
// No input may panic; whatever loads must also plan.
//
//	go test -fuzz FuzzLoad ./scenarios/
func FuzzLoad(f *testing.F) {
	var files []string
	for _, pat := range []string{"library/*.toml", "testdata/*/*.toml"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) == 0 {
		f.Fatal("no seed files")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Hostile inputs: nesting far past format.MaxDepth (the TOML parser's
	// memory grows with its square), a dotted key as deep, and a file
	// over format.MaxInput of unknown keys.
	f.Add([]byte("a = " + strings.Repeat("{b=", 100_000) + "1" + strings.Repeat("}", 100_000)))
	f.Add([]byte("x = " + strings.Repeat("[", 100_000)))
	f.Add([]byte(strings.Repeat("a.", 100_000) + "a = 1"))
	var huge strings.Builder
	for i := 0; huge.Len() <= format.MaxInput; i++ {
		fmt.Fprintf(&huge, "unknown_%d = 1\n", i)
	}
	f.Add([]byte(huge.String()))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Load("fuzz.toml", src)
		if err != nil {
			if _, ok := err.(format.ErrorList); !ok {
				t.Fatalf("error is %T, not an ErrorList: %v", err, err)
			}
			return
		}
		s.Counts()
		if s.Replications*len(s.Variants) > 1000 {
			return
		}
		if _, err := prepare(s, Options{}); err != nil {
			t.Fatalf("loaded but does not plan: %v", err)
		}
	})
}
