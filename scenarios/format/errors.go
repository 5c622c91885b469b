package format

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stampede-sim/stampede/sim"
)

// MaxErrors is the most errors an ErrorList reports; the rest are counted.
const MaxErrors = 20

// Pos is a position in a scenario file: 1-based line and 1-based byte
// column. The zero Pos means "no position" (a --set from the command line).
type Pos struct {
	Line, Col int
}

// Error is one problem with a scenario: where (File, Pos), which key (Path,
// spelled the way the file spells it, list entries by name where they have
// one: "services[api].queue.limit", "faults[0].factor"), and Msg, which says
// what is wrong and what would be valid. Err is the underlying error, if
// any (a *sim.DistError, a schema's field error).
type Error struct {
	File string
	Pos  Pos
	Path string
	Msg  string
	Err  error
}

// Error returns "file:line:col: path: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Pos.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Pos.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Pos.Col))
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error, or nil.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every problem found in a scenario, sorted by position. Its
// Error method prints at most MaxErrors of them, one a line.
type ErrorList []*Error

// Error returns the errors one a line, at most MaxErrors, then a count of
// the rest.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == MaxErrors {
			more := len(l) - MaxErrors
			if n, ok := l[len(l)-1].Err.(tooMany); ok {
				more += int(n) - 1
			}
			fmt.Fprintf(&b, "\n... and %d more errors", more)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// tooMany is the Err of the last entry of an ErrorList that stopped
// collecting at MaxKeptErrors: how many errors it did not keep.
type tooMany int

func (n tooMany) Error() string { return fmt.Sprintf("%d more errors", int(n)) }

// errs collects errors while loading, up to MaxKeptErrors; past that it
// only counts them.
type errs struct {
	file    string
	list    ErrorList
	seen    map[string]bool
	dropped int
	first   Pos // where the first dropped error was
}

func (c *errs) full() bool { return len(c.list) >= MaxKeptErrors }

// drop counts an error past MaxKeptErrors.
func (c *errs) drop(pos Pos) {
	if c.dropped == 0 {
		c.first = pos
	}
	c.dropped++
}

func (c *errs) add(pos Pos, path, msg string, err error) {
	if c.full() {
		c.drop(pos)
		return
	}
	e := &Error{File: c.file, Pos: pos, Path: path, Msg: msg, Err: err}
	key := e.Error()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.list = append(c.list, e)
}

// result sorts the errors by position (then text) and returns them, or nil.
func (c *errs) result() error {
	if len(c.list) == 0 {
		return nil
	}
	sort.SliceStable(c.list, func(i, j int) bool {
		a, b := c.list[i], c.list[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Error() < b.Error()
	})
	if c.dropped > 0 {
		return append(c.list, &Error{File: c.file, Pos: c.first, Err: tooMany(c.dropped), Msg: fmt.Sprintf(
			"and %d more errors: stampede stops listing errors at %d (fix these first)", c.dropped, MaxKeptErrors)})
	}
	return c.list
}

// Suggest returns the candidate closest to s by edit distance when it is
// close enough to be a likely typo, or "".
func Suggest(s string, candidates []string) string {
	best, bestD := "", -1
	limit := max(1, min(3, len(s)/3))
	for _, c := range candidates {
		if c == s {
			continue
		}
		d := sim.EditDistance(strings.ToLower(s), strings.ToLower(c))
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// DidYouMean returns "; did you mean X?" or "; valid WHAT: a, b, c" (or ""
// with no candidates).
func DidYouMean(s string, candidates []string, what string) string {
	if sug := Suggest(s, candidates); sug != "" {
		return fmt.Sprintf("; did you mean %s?", strconv.Quote(sug))
	}
	if len(candidates) == 0 {
		return ""
	}
	return fmt.Sprintf("; valid %s: %s", what, strings.Join(candidates, ", "))
}
