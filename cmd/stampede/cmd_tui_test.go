package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestTUICommand: without a terminal the TUI says how to run in batch
// instead, with the bad-input exit code; a scenario that does not exist
// is reported before anything is drawn.
func TestTUICommand(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "the terminal UI needs a terminal"},
		{[]string{"tui"}, "the terminal UI needs a terminal"},
		{[]string{"tui", "retry-storm"}, "the terminal UI needs a terminal"},
		{[]string{"tui", "no-such-scenario"}, `"no-such-scenario" is neither a file nor a built-in scenario`},
		{[]string{"tui", "missing/file.toml"}, "no such file"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if code := run(c.args, &out, &errb); code != exitBadInput {
			t.Errorf("stampede %v: exit %d, want %d", c.args, code, exitBadInput)
		}
		if !strings.Contains(errb.String(), c.want) {
			t.Errorf("stampede %v: stderr %q, want it to say %q", c.args, errb.String(), c.want)
		}
	}
}
