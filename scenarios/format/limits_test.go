package format

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLimits: a file over MaxInput, nested past MaxDepth, or with a
// dotted key of too many parts gets one located error naming the limit,
// at once, before the TOML parser (which would take time and memory
// growing faster than the input).
func TestLimits(t *testing.T) {
	var v struct {
		A map[string]any `toml:"a"`
	}
	for _, c := range []struct {
		name, src, want string
	}{
		{"huge", "a = 1\n" + strings.Repeat("# padding\n", MaxInput/10+1), "f.toml:1:1: the file is 1048586 bytes, over the limit of 1048576 (1 MiB)"},
		{"inline tables", "a = " + strings.Repeat("{b=", 100000) + "1" + strings.Repeat("}", 100000), "f.toml:1:101: arrays and inline tables nest deeper than 32"},
		{"arrays", "\n\na = " + strings.Repeat("[", 100000), "f.toml:3:37: arrays and inline tables nest deeper than 32"},
		{"dotted key", strings.Repeat("a.", 100000) + "a = 1", "f.toml:1:64: a dotted key has more parts than 32"},
		{"in a string", `a = "` + strings.Repeat("{[.", 1000) + `"` + "\nb = '''\n" + strings.Repeat("[", 100) + "'''\nc = 1 # " + strings.Repeat("{", 100), ""},
	} {
		start := time.Now()
		_, err := Decode("f.toml", []byte(c.src), &v)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s: took %v", c.name, took)
		}
		got := fmt.Sprint(err)
		if c.want == "" {
			if strings.Contains(got, "deeper") || strings.Contains(got, "parts") {
				t.Errorf("%s: brackets in strings and comments counted: %v", c.name, err)
			}
			continue
		}
		if !strings.HasPrefix(got, c.want) || !strings.Contains(got, "limit") {
			t.Errorf("%s: got %q, want %q...", c.name, got, c.want)
		}
	}
}

// TestErrorCap: a file of many errors keeps MaxKeptErrors of them and
// counts the rest, cheaply.
func TestErrorCap(t *testing.T) {
	var b strings.Builder
	for i := range 40000 {
		fmt.Fprintf(&b, "unknown_%d = 1\n", i)
	}
	var v struct {
		Duration string `toml:"duration"`
	}
	start := time.Now()
	d, err := Decode("f.toml", []byte(b.String()), &v)
	if err != nil {
		t.Fatal(err)
	}
	list := d.Err().(ErrorList)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	if len(list) != MaxKeptErrors+1 {
		t.Fatalf("kept %d errors, want %d and a count", len(list), MaxKeptErrors+1)
	}
	last := list[len(list)-1]
	if !strings.Contains(last.Msg, "and 39800 more errors: stampede stops listing errors at 200") || last.Pos.Line < 1 {
		t.Errorf("last error: %v", last)
	}
	if got := list.Error(); !strings.HasSuffix(got, "\n... and 39980 more errors") {
		t.Errorf("ErrorList ends %q", got[len(got)-60:])
	}
}
