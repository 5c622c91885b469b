package sim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Data files are the recorded inputs a scenario may name: an empirical
// distribution's samples or histogram buckets (here), a client's rate
// curve or arrival timestamps (models/config). They are plain text, one
// record a line; sim reads them from an io.Reader it is given and never
// opens a file itself.

// MaxDataBytes is the largest data file read, in bytes (256 MiB).
const MaxDataBytes = 256 << 20

// MaxDataLine is the longest line of a data file, in bytes.
const MaxDataLine = 4096

// Opener opens a data file by the name a scenario gives it (relative to
// the scenario file, or absolute); the caller closes what it returns. The
// scenario loader supplies one (cmd reads the file system, the built-ins
// their embedded files); a nil Opener means no data file can be read.
type Opener func(name string) (io.ReadCloser, error)

// DataError is a problem in a data file, located at a 1-based line (0 for
// the file as a whole: it cannot be opened, it is empty, it is too big).
type DataError struct {
	File string // the name the scenario gives the file
	Line int
	Msg  string
	Err  error // the underlying error, if any
}

// Error returns e.g. `data/latency.txt:12: not a duration or a number of
// seconds: "abc"`.
func (e *DataError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Unwrap returns the underlying error.
func (e *DataError) Unwrap() error { return e.Err }

// ReadData opens name with open and calls fn with each record of the file:
// its 1-based line number and its fields. Blank lines and lines starting
// with '#' are skipped; fields are separated by commas, with spaces and
// tabs around them trimmed (a line without a comma is split at runs of
// spaces and tabs instead). If header is true and the first record's first
// field is not a number, a duration or +Inf, that record is a header and
// skipped. An error fn returns that is not a *DataError is located at the
// record's line. The file may hold at most MaxDataBytes bytes and lines of
// at most MaxDataLine bytes.
func ReadData(open Opener, name string, header bool, fn func(line int, fields []string) error) error {
	if open == nil {
		return &DataError{File: name, Msg: "data files cannot be read here (the scenario was given as text, not as a file)"}
	}
	f, err := open(name)
	if err != nil {
		return &DataError{File: name, Msg: "cannot open: " + err.Error(), Err: err}
	}
	defer f.Close()
	lr := &io.LimitedReader{R: f, N: MaxDataBytes + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 512), MaxDataLine)
	line, records := 0, 0
	var fields []string
	for sc.Scan() {
		line++
		if lr.N <= 0 {
			return &DataError{File: name, Line: line, Msg: fmt.Sprintf("file is larger than the limit of %d bytes (MaxDataBytes)", MaxDataBytes)}
		}
		s := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		if s == "" || s[0] == '#' {
			continue
		}
		fields = fields[:0]
		if strings.Contains(s, ",") {
			for _, f := range strings.Split(s, ",") {
				fields = append(fields, strings.TrimSpace(f))
			}
		} else {
			fields = append(fields, strings.Fields(s)...)
		}
		records++
		if records == 1 && header && !looksNumeric(fields[0]) {
			continue
		}
		if err := fn(line, fields); err != nil {
			var de *DataError
			if errors.As(err, &de) {
				return err
			}
			return &DataError{File: name, Line: line, Msg: err.Error(), Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &DataError{File: name, Line: line + 1, Msg: fmt.Sprintf("line longer than the limit of %d bytes (MaxDataLine)", MaxDataLine)}
		}
		return &DataError{File: name, Line: line, Msg: "read error: " + err.Error(), Err: err}
	}
	if lr.N <= 0 {
		return &DataError{File: name, Msg: fmt.Sprintf("file is larger than the limit of %d bytes (MaxDataBytes)", MaxDataBytes)}
	}
	return nil
}

// looksNumeric reports whether a field starts like a number, a duration or
// an infinity (so that it is data, not a header).
func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return '0' <= c && c <= '9' || c == '.' || c == '+' || c == '-'
}

// ParseSeconds reads a time or duration field of a data file: a plain
// decimal number of seconds ("0.25", "1733450000.123456789", read exactly
// to the nanosecond, not through a float) or a Go duration ("250ms",
// "1m30s"). It returns nanoseconds; what names the field in errors.
func ParseSeconds(s, what string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("%s is empty", what)
	}
	if last := s[len(s)-1]; last < '0' || last > '9' {
		if last != '.' {
			d, err := time.ParseDuration(s)
			if err != nil {
				return 0, fmt.Errorf("%s: want a number of seconds or a duration such as 250ms, got %q", what, s)
			}
			return int64(d), nil
		}
	}
	neg := false
	t := s
	if t[0] == '-' || t[0] == '+' {
		neg = t[0] == '-'
		t = t[1:]
	}
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" || strings.ContainsAny(whole+frac, "+-eE") {
		return 0, fmt.Errorf("%s: want a number of seconds (e.g. 1.25) or a duration such as 250ms, got %q", what, s)
	}
	var sec uint64
	if whole != "" {
		v, err := strconv.ParseUint(whole, 10, 64)
		if err != nil || v >= maxSeconds {
			return 0, fmt.Errorf("%s: want a number of seconds below %d, got %q", what, maxSeconds, s)
		}
		sec = v
	}
	var ns uint64
	for i := range 9 {
		ns *= 10
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%s: want a number of seconds, got %q", what, s)
			}
			ns += uint64(c - '0')
		}
	}
	for i := 9; i < len(frac); i++ { // digits below the nanosecond are checked, then dropped
		if frac[i] < '0' || frac[i] > '9' {
			return 0, fmt.Errorf("%s: want a number of seconds, got %q", what, s)
		}
	}
	v := int64(sec*1e9 + ns)
	if neg {
		v = -v
	}
	return v, nil
}

// maxSeconds bounds a number of seconds so that it fits in int64 ns.
const maxSeconds = math.MaxInt64/1_000_000_000 - 1

// ParseCount reads a non-negative count or rate field: a finite number
// >= 0 (what names it in errors).
func ParseCount(s, what string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%s: want a number, got %q", what, s)
	}
	if x < 0 {
		return 0, fmt.Errorf("%s must be >= 0, got %s", what, s)
	}
	return x, nil
}
