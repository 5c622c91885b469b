package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfiles runs run and check with --cpuprofile and --memprofile and
// expects gzipped pprof files, and a located refusal of a directory.
func TestProfiles(t *testing.T) {
	path := writeScenario(t, "small.toml", smallScenario)
	dir := t.TempDir()
	for _, cmd := range []string{"run", "check"} {
		cpu, mem := filepath.Join(dir, cmd+"-cpu.pprof"), filepath.Join(dir, cmd+"-mem.pprof")
		code, _, stderr := stampede(t, cmd, path, "--cpuprofile", cpu, "--memprofile", mem)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", cmd, code, stderr)
		}
		for _, p := range []string{cpu, mem} {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
				t.Errorf("%s: %s is not a gzipped pprof profile", cmd, p)
			}
		}
		code, _, stderr = stampede(t, cmd, path, "--cpuprofile", dir)
		if code != exitBadInput || !strings.Contains(stderr, "--cpuprofile "+dir+" is a directory") {
			t.Errorf("%s --cpuprofile DIR: exit %d, %q", cmd, code, stderr)
		}
	}
}
