package format

import (
	"strings"
	"testing"
)

// TestPositions holds the key lexer against tricky TOML: multi-line
// strings that look like keys, inline tables, arrays of tables nested in
// arrays of tables, dotted and quoted keys, comments.
func TestPositions(t *testing.T) {
	src := `# comment = 1
about = """
[[services]]
name = "not a key"
"""
a.b = 1   # dotted
"q.k" = { x = [1, {y = 2}], 'z' = 'w' }

[[services]]
name = "s0"

  [[services.calls]]
  target = "t0"

  [[services.calls]]
  target = "t1"

[[services]]
name = "s1"
[services.queue]
limit = 3
`
	ix := indexPositions([]byte(src))
	for _, c := range []struct {
		key  string
		line int
		col  int
	}{
		{"about", 2, 1},
		{"a.b", 6, 3},
		{"q.k", 7, 1},
		{"q.k.x.1.y", 7, 20},
		{"q.k.z", 7, 29},
		{"services.0", 9, 3},
		{"services.0.name", 10, 1},
		{"services.0.calls.1.target", 16, 3},
		{"services.1.name", 19, 1},
		{"services.1.queue.limit", 21, 1},
	} {
		var k []string
		if c.key == "q.k" || strings.HasPrefix(c.key, "q.k.") {
			k = append([]string{"q.k"}, strings.Split(strings.TrimPrefix(strings.TrimPrefix(c.key, "q.k"), "."), ".")...)
			if c.key == "q.k" {
				k = k[:1]
			}
		} else {
			k = strings.Split(c.key, ".")
		}
		p := ix.keyPos(k)
		if p.Line != c.line || p.Col != c.col {
			t.Errorf("%s at %d:%d, want %d:%d", c.key, p.Line, p.Col, c.line, c.col)
		}
	}
	if _, ok := ix.keys[joinKey([]string{"name"})]; ok {
		t.Error("a key inside a multi-line string was indexed")
	}
}

func TestPositionsBOMAndCRLF(t *testing.T) {
	ix := indexPositions([]byte("\xEF\xBB\xBFa = 1\r\n[t]\r\nb = \"x\"\r\n"))
	for k, want := range map[string]Pos{"a": {1, 1}, "t": {2, 2}, "t\x00b": {3, 1}} {
		if got := ix.keys[k]; got != want {
			t.Errorf("%q at %v, want %v", k, got, want)
		}
	}
}
