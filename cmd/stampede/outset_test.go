package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for stampede when re-executed by
// a test with STAMPEDE_AS_CLI=1: it runs the arguments as stampede would
// and, with STAMPEDE_SIGNAL_AT=k, sends itself STAMPEDE_SIGNAL (KILL or
// TERM) at the k-th step of the write phase.
func TestMain(m *testing.M) {
	if os.Getenv("STAMPEDE_AS_CLI") == "1" {
		if k, err := strconv.Atoi(os.Getenv("STAMPEDE_SIGNAL_AT")); err == nil {
			sig := syscall.SIGKILL
			if os.Getenv("STAMPEDE_SIGNAL") == "TERM" {
				sig = syscall.SIGTERM
			}
			n := 0
			writeHook = func(string) {
				if n == k {
					syscall.Kill(os.Getpid(), sig)
					time.Sleep(10 * time.Second) // the handler exits meanwhile
				}
				n++
			}
		}
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// snapshot reads every file under dir, by relative path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(b)
		return err
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return files
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// child runs stampede in a fresh process, signalled at step k of its
// write phase, and returns its exit code (-1 when killed) and stderr.
func child(t *testing.T, k int, sig string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STAMPEDE_AS_CLI=1", "STAMPEDE_SIGNAL_AT="+strconv.Itoa(k), "STAMPEDE_SIGNAL="+sig)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	if ctx.Err() != nil || cmd.ProcessState == nil {
		t.Fatalf("step %d: the child did not stop: %v", k, err)
	}
	return cmd.ProcessState.ExitCode(), errOut.String()
}

// TestOutputSetAtomic kills `stampede run --out DIR` with SIGKILL at every
// step of its write phase in turn, and finds DIR always holding the
// previous output set or the new one, never a mix; the next run removes
// what the killed ones left behind. SIGTERM at a step leaves the previous
// set, no temporary files, and exits 143.
func TestOutputSetAtomic(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	parent := t.TempDir()
	dest := filepath.Join(parent, "out")
	args := func(seed int, out string) []string {
		return []string{"run", f, "--out", out, "--seed", strconv.Itoa(seed), "--variant", "base", "--variant", "patient"}
	}
	runIn := func(seed int, out string) map[string]string {
		if code, _, errOut := stampede(t, args(seed, out)...); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return snapshot(t, out)
	}
	steps := 0
	writeHook = func(string) { steps++ }
	newSet := runIn(2, filepath.Join(t.TempDir(), "ref"))
	writeHook = nil
	if steps < 8 {
		t.Fatalf("only %d steps in the write phase", steps)
	}
	oldSet := runIn(1, dest)
	if sameFiles(oldSet, newSet) || len(oldSet) != 3 {
		t.Fatalf("the two sets should differ: %d and %d files", len(oldSet), len(newSet))
	}
	sawNew, sawOld := false, false
	for k := 0; k < steps; k++ {
		code, errOut := child(t, k, "KILL", args(2, dest)...)
		if code != -1 {
			t.Fatalf("step %d: exit %d, not killed: %s", k, code, errOut)
		}
		got := snapshot(t, dest)
		switch {
		case sameFiles(got, oldSet):
			sawOld = true
		case sameFiles(got, newSet):
			sawNew = true
			runIn(1, dest) // back to the old set for the next step
		default:
			names := []string{}
			for n := range got {
				names = append(names, n)
			}
			t.Fatalf("killed at step %d: %s holds neither set: %v", k, dest, names)
		}
	}
	if !sawOld || !sawNew {
		t.Errorf("the kills should have left the old set at early steps and the new one at the last: old %v, new %v", sawOld, sawNew)
	}
	if !sameFiles(runIn(2, dest), newSet) {
		t.Error("a run after the kills did not write the new set")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("the killed runs' temporary directories were not cleaned: %v", entries)
	}

	runIn(1, dest)
	code, errOut := child(t, steps/2, "TERM", args(2, dest)...)
	if code != 143 || !strings.Contains(errOut, "stopped by SIGTERM; "+dest+" left as it was") {
		t.Errorf("SIGTERM: exit %d, stderr %q", code, errOut)
	}
	if !sameFiles(snapshot(t, dest), oldSet) {
		t.Error("SIGTERM did not leave the old set")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("SIGTERM left temporary files: %v", entries)
	}
}

// TestOutputErrors: errors name what the user asked for, not a temporary
// file, and a wrong --out or --traces fails before anything runs.
func TestOutputErrors(t *testing.T) {
	f := writeScenario(t, "small.toml", smallScenario)
	dir := t.TempDir()
	tdir := filepath.Join(dir, "tdir")
	mine := filepath.Join(dir, "mine")
	os.MkdirAll(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("mine"), 0o644)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", f, "--traces", tdir + "/"}, fmt.Sprintf("--traces %s/ is a directory: give a file name, such as %s", tdir, filepath.Join(tdir, "traces.json"))},
		{[]string{"run", f, "--traces", dir}, "--traces " + dir + " is a directory"},
		{[]string{"run", f, "--out", mine}, "--out " + mine + ": holds " + filepath.Join(mine, "notes.txt") + ", which stampede did not write"},
		{[]string{"run", f, "--out", file}, "--out " + file + ": exists and is not a directory"},
		{[]string{"run", f, "--traces", filepath.Join(file, "t.json")}, "write " + filepath.Join(file, "t.json") + ": "},
		{[]string{"plot", f, "--figure", "sweep", "-o", filepath.Join(file, "x.png")}, "write " + filepath.Join(file, "x.png") + ": not a directory"},
		{[]string{"plot", f, "-o", filepath.Join(file, "all")}, "write " + filepath.Join(file, "all") + ": not a directory"},
	} {
		code, _, errOut := stampede(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, ".tmp") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
	if _, err := os.Stat(tdir); err == nil {
		t.Error("--traces DIR/ left a directory behind")
	}
	if b, _ := os.ReadFile(filepath.Join(mine, "notes.txt")); string(b) != "mine" {
		t.Error("--out replaced a directory of the user's")
	}
}
