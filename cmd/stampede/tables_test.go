package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

// TestTableWidths holds representative tables laid out at 80 and 150
// columns to testdata/tables/*.txt (go test -update rewrites them): the
// results table with a per-layer table (retry-storm), SLOs
// (rolling-deploy, with STAMPEDE_LONG=1) and a long sweep collapsed to its telling rows with
// its paired table (testdata/tables/sweep.toml).
func TestTableWidths(t *testing.T) {
	sweep := filepath.Join("testdata", "tables", "sweep.toml")
	src, err := os.ReadFile(sweep)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, scenario string
		slow           bool
	}{
		{"retry-storm", "retry-storm", false},
		{"rolling-deploy", "rolling-deploy", true},
		{"sweep", sweep, false},
	} {
		if tc.slow && os.Getenv("STAMPEDE_LONG") == "" {
			t.Logf("%s: a second of runs; set STAMPEDE_LONG=1 to check it too", tc.name)
			continue
		}
		var s *scenarios.Scenario
		if tc.scenario == sweep {
			s, err = scenarios.Load(sweep, src)
		} else {
			s, err = scenarios.LoadBuiltin(tc.scenario)
		}
		if err != nil {
			t.Fatal(err)
		}
		res, err := scenarios.Run(s, scenarios.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, width := range []int{80, 150} {
			var b strings.Builder
			if err := res.WriteTable(&b, scenarios.TableOptions{Width: width}); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(b.String(), "\n") {
				if n := len([]rune(line)); n > width {
					t.Errorf("%s at %d columns: a line of %d: %q", tc.name, width, n, line)
				}
			}
			golden(t, filepath.Join("tables", fmt.Sprintf("%s-%d.txt", tc.name, width)), b.String())
		}
	}
}

// TestTableAll: --all shows every row of a long table even laid out to a
// width, and output that is not a terminal, without --width, is never
// cut.
func TestTableAll(t *testing.T) {
	sweep := filepath.Join("testdata", "tables", "sweep.toml")
	rows := func(out string) int {
		n := 0
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, " base ") || strings.Contains(line, " retries ") {
				n++
			}
			if line == "" && n > 0 {
				break
			}
		}
		return n
	}
	t.Setenv("COLUMNS", "")
	for _, args := range [][]string{{"--width", "80", "--all"}, {}, {"--width", "0"}} {
		_, out, _ := stampede(t, append([]string{"run", sweep}, args...)...)
		if got := rows(out); got != 22 {
			t.Errorf("run %v: %d rows in the results table, want all 22:\n%s", args, got, out)
		}
		if strings.Contains(out, "hidden") || len(args) < 3 && strings.Contains(out, "left out") {
			t.Errorf("run %v: rows or columns left out:\n%s", args, out)
		}
	}
	t.Setenv("COLUMNS", "80")
	if _, out, _ := stampede(t, "run", sweep); !strings.Contains(out, "of 22 rows hidden") {
		t.Errorf("COLUMNS=80: the long table is not collapsed:\n%s", out)
	}
	for _, bad := range [][]string{{"--width", "-1"}, {"--width", "100000"}} {
		if code, _, errOut := stampede(t, append([]string{"run", "mm1"}, bad...)...); code != 2 || !strings.Contains(errOut, "--width") {
			t.Errorf("run mm1 %v: exit %d, %q; want 2 and an error naming --width", bad, code, errOut)
		}
	}
}

// TestTextTableNeverCuts: a column is left out whole, in the order of
// Optional, and prose is broken only at spaces.
func TestTextTableNeverCuts(t *testing.T) {
	tab := results.TextTable{
		Cells:    [][]string{{"variant", "calls", "failures", "recovery"}, {"base", "72008", "queue_full 66%, timeout 8.7%", "NOT RECOVERED"}},
		Right:    []bool{false, true, false, false},
		Optional: []int{1, 2},
		Lists:    []bool{false, false, true, false},
	}
	for _, tc := range []struct {
		width      int
		want       string
		omit, cuts string
	}{
		{0, "variant  calls  failures                      recovery\nbase     72008  queue_full 66%, timeout 8.7%  NOT RECOVERED\n", "", ""},
		{50, "variant  failures           recovery\nbase     queue_full 66%, …  NOT RECOVERED\n", "calls", "failures"},
		{30, "variant  recovery\nbase     NOT RECOVERED\n", "calls failures", ""},
	} {
		got, omit, cuts := tab.Layout(tc.width)
		if got != tc.want || strings.Join(omit, " ") != tc.omit || strings.Join(cuts, " ") != tc.cuts {
			t.Errorf("width %d: got %q (left out %q, cut %q), want %q (%q, %q)", tc.width, got, omit, cuts, tc.want, tc.omit, tc.cuts)
		}
	}
	if got := results.FitProse("a --width-long retry-storm line", 12); got != "a\n--width-long\nretry-storm\nline" {
		t.Errorf("FitProse = %q", got)
	}
}
