package sim

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestParseSeconds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{"0", 0, ""},
		{"1.5", 1_500_000_000, ""},
		{".25", 250_000_000, ""},
		{"12.", 12_000_000_000, ""},
		{"1733450000.123456789", 1733450000_123456789, ""}, // exact: no float rounding
		{"1733450000.1234567891", 1733450000_123456789, ""},
		{"-2.5", -2_500_000_000, ""},
		{"250ms", 250_000_000, ""},
		{"1m30s", 90_000_000_000, ""},
		{"1e3", 0, "want a number of seconds"},
		{"abc", 0, "want a number of seconds or a duration"},
		{"1.2.3", 0, "want a number of seconds"},
		{"99999999999", 0, "below"},
		{"", 0, "empty"},
	} {
		got, err := ParseSeconds(tc.in, "t")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseSeconds(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSeconds(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func stringOpener(files map[string]string) Opener {
	return func(name string) (io.ReadCloser, error) {
		s, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("no file %q", name)
		}
		return io.NopCloser(strings.NewReader(s)), nil
	}
}

func TestReadData(t *testing.T) {
	// Comments, blank lines, CRLF, a header and both separators; lines
	// keep their numbers.
	open := stringOpener(map[string]string{
		"a.csv":  "\ufeff# comment\r\nt, rate\r\n\r\n1, 2\r\n3\t4\n  5 ,6  \n",
		"long":   "1\n" + strings.Repeat("9", MaxDataLine+1) + "\n",
		"fails":  "1\n2\nx\n",
		"header": "t\n",
	})
	var got []string
	err := ReadData(open, "a.csv", true, func(line int, f []string) error {
		got = append(got, fmt.Sprint(line, f))
		return nil
	})
	if want := "[4 [1 2] 5 [3 4] 6 [5 6]]"; err != nil || fmt.Sprint(got) != want {
		t.Errorf("records %v, %v; want %s", got, err, want)
	}
	err = ReadData(open, "long", false, func(int, []string) error { return nil })
	if err == nil || err.Error() != fmt.Sprintf("long:2: line longer than the limit of %d bytes (MaxDataLine)", MaxDataLine) {
		t.Errorf("long line: %v", err)
	}
	err = ReadData(open, "fails", false, func(_ int, f []string) error {
		if f[0] == "x" {
			return errors.New("not a number")
		}
		return nil
	})
	var de *DataError
	if !errors.As(err, &de) || de.Line != 3 || err.Error() != "fails:3: not a number" {
		t.Errorf("error from fn: %v", err)
	}
	if err := ReadData(open, "missing", false, nil); err == nil || !strings.Contains(err.Error(), "missing: cannot open") {
		t.Errorf("missing file: %v", err)
	}
	if err := ReadData(nil, "x", false, nil); err == nil || !strings.Contains(err.Error(), "cannot be read here") {
		t.Errorf("nil opener: %v", err)
	}
}

func TestReadDataSizeLimit(t *testing.T) {
	// A file over MaxDataBytes is refused, named, without reading on.
	if testing.Short() {
		t.Skip("reads 256 MiB")
	}
	big := func(string) (io.ReadCloser, error) {
		return io.NopCloser(io.LimitReader(&zeros{}, MaxDataBytes+10)), nil
	}
	n := 0
	err := ReadData(big, "big", false, func(int, []string) error { n++; return nil })
	if err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("oversized file: %v after %d records", err, n)
	}
}

// zeros reads as an endless run of lines of 4000 zeros.
type zeros struct{ n int }

var zeroLine = []byte(strings.Repeat("0", 4000) + "\n")

func (z *zeros) Read(p []byte) (int, error) {
	n := copy(p, zeroLine[z.n:])
	z.n = (z.n + n) % len(zeroLine)
	return n, nil
}
