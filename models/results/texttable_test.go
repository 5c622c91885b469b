package results

import (
	"strings"
	"testing"
)

// TestWrapLastAndHanging: a table's last column of prose breaks at spaces
// onto lines under itself to fit, never inside a word; a headless table
// lays out every row; FitHanging indents the lines after the first.
func TestWrapLastAndHanging(t *testing.T) {
	cells := [][]string{{"short", "one two three four five six"}, {"a-much-longer-name", "seven eight-nine ten"}}
	text, omitted, _ := TextTable{Cells: cells, Right: make([]bool, 2), Headless: true, WrapLast: true}.Layout(40)
	want := "short               one two three four\n" +
		"                    five six\n" +
		"a-much-longer-name  seven eight-nine ten\n"
	if text != want || omitted != nil {
		t.Errorf("got\n%s(omitted %v), want\n%s", text, omitted, want)
	}
	if text, _, _ := (TextTable{Cells: cells, Right: make([]bool, 2), Headless: true, WrapLast: true}).Layout(0); strings.Count(text, "\n") != 2 {
		t.Errorf("without a width the titles are broken:\n%s", text)
	}
	got := FitHanging("error: retries with neither a budget-nor-backoff here", 20, "    ")
	if got != "error: retries with\n    neither a\n    budget-nor-backoff\n    here" {
		t.Errorf("FitHanging: %q", got)
	}
	if got := FitHanging("a-very-long-single-word", 10, "  "); got != "a-very-long-single-word" {
		t.Errorf("FitHanging broke a word: %q", got)
	}
}
