package format

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes f allocates on the heap: a measure of work
// that, unlike the wall clock, does not move with the machine's load.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

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
		var err error
		// The parser's context grows quadratically with nesting: 100,000
		// levels would take gigabytes. Stopping before it costs a few
		// copies of the input at most.
		if n := allocated(func() { _, err = Decode("f.toml", []byte(c.src), &v) }); c.want != "" && n > 8*uint64(len(c.src))+1<<20 {
			t.Errorf("%s: allocated %d bytes for %d bytes of input", c.name, n, len(c.src))
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
	src := b.String()
	var d *Decoder
	var err error
	all := allocated(func() { d, err = Decode("f.toml", []byte(src), &v) })
	if err != nil {
		t.Fatal(err)
	}
	list := d.Err().(ErrorList)
	// Cheaply: the errors past the cap cost no suggestions, so the work
	// grows with the input (twice the lines, about twice the bytes
	// allocated), not with errors times keys.
	halfSrc := src[:strings.Index(src, "unknown_20000 ")]
	half := allocated(func() { _, _ = Decode("f.toml", []byte(halfSrc), &v) })
	if all > 3*half {
		t.Errorf("40,000 unknown keys allocated %d bytes, 20,000 allocated %d: not linear", all, half)
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
