package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/charmbracelet/x/term"

	"github.com/stampede-sim/stampede/scenarios"
)

// maxWidth is the largest --width (and $COLUMNS) taken: wider than any
// terminal, small enough that a typo is caught.
const maxWidth = 10000

// tableWidth is the width tables are laid out in: --width when given
// (0: no limit), else the terminal's width when w is one, else $COLUMNS
// when set, else no limit (a file or a pipe gets every column and row).
func tableWidth(w io.Writer, flag *int) (int, error) {
	if flag != nil {
		if *flag < 0 || *flag > maxWidth {
			return 0, fmt.Errorf("--width %d: want 0 (no limit) to %d columns", *flag, maxWidth)
		}
		return *flag, nil
	}
	if f, ok := w.(*os.File); ok && isTerminal(w) {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
			return cols, nil
		}
	}
	if s := os.Getenv("COLUMNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxWidth {
			return 0, errors.New("COLUMNS=" + strconv.Quote(s) + ": want a number of columns, 0 to " + strconv.Itoa(maxWidth) + " (or unset it)")
		}
		return n, nil
	}
	return 0, nil
}

// tableFlags are the flags of commands that print a results table.
type tableFlags struct {
	Width *int `help:"Lay tables out in N columns, leaving out the least important columns of a wider table (0: no limit; default: the terminal's width, else $COLUMNS, else no limit)." placeholder:"N"`
	All   bool `help:"Show every row of a table longer than 20 rows; laid out to a width, a long table shows its first, last, best, worst and boundary rows."`
}

// tableOptions are the table options for output to e's stdout.
func (f tableFlags) tableOptions(e *env) (scenarios.TableOptions, error) {
	w, err := tableWidth(e.stdout, f.Width)
	if err != nil {
		return scenarios.TableOptions{}, badInput(err)
	}
	return scenarios.TableOptions{Color: colorOK(e.stdout), Width: w, All: f.All}, nil
}
