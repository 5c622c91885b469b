package main

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/NAME, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/stampede -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (rerun with -update if the change is meant):\n%s", t.Name(), path, got)
	}
}

// commandNames are the subcommands, in the order of the help.
func commandNames(t *testing.T) []string {
	t.Helper()
	var c cli
	parser, err := kong.New(&c, kong.Name("stampede"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range parser.Model.Children {
		names = append(names, n.Name)
	}
	return names
}

// TestHelpGolden: `stampede help`, `stampede --help` and `stampede help CMD`
// for every command print the help kept in testdata/help-*.txt; `help CMD`
// and `CMD --help` agree.
func TestHelpGolden(t *testing.T) {
	code, out, errOut := stampede(t, "help")
	if code != 0 {
		t.Fatalf("stampede help: exit %d: %s", code, errOut)
	}
	golden(t, "help.txt", out)
	if _, out2, _ := stampede(t, "--help"); out2 != out {
		t.Errorf("stampede --help differs from stampede help")
	}
	for _, name := range commandNames(t) {
		code, out, errOut := stampede(t, "help", name)
		if code != 0 {
			t.Fatalf("stampede help %s: exit %d: %s", name, code, errOut)
		}
		if !strings.Contains(out, "Examples:") {
			t.Errorf("stampede help %s shows no examples", name)
		}
		golden(t, "help-"+name+".txt", out)
		if _, out2, _ := stampede(t, name, "--help"); out2 != out {
			t.Errorf("stampede %s --help differs from stampede help %s", name, name)
		}
	}
	if code, _, errOut := stampede(t, "help", "nosuch"); code != exitBadInput || !strings.Contains(errOut, "nosuch") {
		t.Errorf("stampede help nosuch: exit %d, stderr %q", code, errOut)
	}
}

// TestHelpExamples: every example under a command's --help parses (flags,
// enums) and names scenarios that load.
func TestHelpExamples(t *testing.T) {
	for _, name := range commandNames(t) {
		_, out, _ := stampede(t, "help", name)
		_, ex, ok := strings.Cut(out, "Examples:\n")
		if !ok {
			continue
		}
		for _, line := range strings.Split(ex, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			line, _, _ = strings.Cut(line, "#")
			line, _, _ = strings.Cut(line, ">")
			line = strings.TrimPrefix(strings.TrimSpace(line), "source <(")
			line = strings.TrimSuffix(line, ")")
			args := strings.Fields(line)
			if len(args) == 0 || args[0] != "stampede" {
				t.Errorf("help %s: example %q does not start with stampede", name, line)
				continue
			}
			var c cli
			parser, err := kong.New(&c, kong.Name("stampede"), kong.Vars{"version": "test"})
			if err != nil {
				t.Fatal(err)
			}
			if len(args) > 1 && strings.HasPrefix(args[1], "--") || len(args) == 1 {
				continue // stampede alone, stampede --version: no scenario to load
			}
			if _, err := parser.Parse(args[1:]); err != nil {
				t.Errorf("help %s: example %q: %v", name, line, err)
				continue
			}
			for _, s := range append(c.Run.Scenarios, c.Check.Scenarios...) {
				if _, err := loadScenario(s, false); err != nil && !strings.HasSuffix(s, "my-system.toml") {
					t.Errorf("help %s: example %q: %v", name, line, err)
				}
			}
		}
	}
}

// TestVersion: --version and `stampede version` print the module version,
// the commit and the platform (testdata/version.txt, with the toolchain and
// platform written as GO OS/ARCH).
func TestVersion(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v1.2.3", "0123456789ab"
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errOut := stampede(t, args...)
		if code != 0 {
			t.Fatalf("stampede %v: exit %d: %s", args, code, errOut)
		}
		out = strings.Replace(out, runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH, "GO OS/ARCH", 1)
		golden(t, "version.txt", out)
	}
}

// TestCompletionScripts: `stampede completion SHELL` prints the script kept
// in testdata/completion.SHELL; another shell is refused.
func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := stampede(t, "completion", sh)
		if code != 0 {
			t.Fatalf("stampede completion %s: exit %d: %s", sh, code, errOut)
		}
		golden(t, "completion."+sh, out)
	}
	if code, _, _ := stampede(t, "completion", "tcsh"); code != exitBadInput {
		t.Errorf("stampede completion tcsh: exit %d, want %d", code, exitBadInput)
	}
}

// TestCompletion: with COMP_LINE set, as the completion scripts call it,
// stampede lists the subcommands, flags and built-in scenarios that
// complete the last word (in any order).
func TestCompletion(t *testing.T) {
	cases := []struct{ line, want string }{
		{"stampede c", "check\ncompletion\n"},
		{"stampede ru", "run\n"},
		{"stampede run retry-s", "retry-storm\n"},
		{"stampede run --pl", "--plots\n"},
		{"stampede plot cache-st", "cache-stampede\n"},
		{"stampede completion f", "fish\n"},
	}
	for _, c := range cases {
		t.Setenv("COMP_LINE", c.line)
		t.Setenv("COMP_POINT", "")
		code, out, errOut := stampede(t)
		lines := strings.SplitAfter(out, "\n")
		sort.Strings(lines) // the completion library lists them in map order
		out = strings.Join(lines, "")
		if code != 0 || out != c.want {
			t.Errorf("COMP_LINE=%q: exit %d, completions %q, want %q (%s)", c.line, code, out, c.want, errOut)
		}
	}
}

// TestMistypedCommand: a word close to a command's name, that is neither a
// file nor a built-in scenario, gets a did-you-mean instead of being taken
// for the terminal UI's scenario.
func TestMistypedCommand(t *testing.T) {
	cases := []struct{ arg, want string }{
		{"rn", `unknown command "rn"; did you mean "run"?`},
		{"lsit", `unknown command "lsit"; did you mean "list"?`},
		{"chek", `unknown command "chek"; did you mean "check"?`},
		{"no-such-scenario", `"no-such-scenario" is neither a file nor a built-in scenario`},
	}
	for _, c := range cases {
		code, _, errOut := stampede(t, c.arg, "retry-storm")
		if c.arg == "no-such-scenario" {
			code, _, errOut = stampede(t, c.arg)
		}
		if code != exitBadInput || !strings.Contains(errOut, c.want) {
			t.Errorf("stampede %s: exit %d, stderr %q, want %q", c.arg, code, errOut, c.want)
		}
	}
}
