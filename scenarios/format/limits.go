package format

import "fmt"

// Limits on a scenario file, checked on its bytes before the TOML parser
// sees them, so that a huge or pathological file (a typo, a generator
// gone wrong) is refused at once with its size or position rather than
// exhausting memory in the parser. They are fixed: no scenario comes near
// them (the largest built-in is 5 KB, nested 3 deep). docs/SCENARIOS.md
// lists them.
const (
	// MaxInput is the largest scenario file, in bytes.
	MaxInput = 1 << 20
	// MaxDepth is the deepest nesting of arrays and inline tables, and
	// the most parts of a dotted key.
	MaxDepth = 32
	// MaxKeptErrors is how many errors a decoder keeps; past it, it only
	// counts them (an ErrorList prints MaxErrors anyway).
	MaxKeptErrors = 200
)

// checkSize returns the error of a file over MaxInput or nested deeper
// than MaxDepth, located at the bracket or dot that goes over, or nil.
func checkSize(file string, src []byte) error {
	if len(src) > MaxInput {
		return ErrorList{{File: file, Pos: Pos{1, 1}, Msg: fmt.Sprintf(
			"the file is %d bytes, over the limit of %d (1 MiB) on a scenario file's size; this limit is fixed, split the file or generate less",
			len(src), MaxInput)}}
	}
	pos, what := tooDeep(src)
	if pos.Line == 0 {
		return nil
	}
	return ErrorList{{File: file, Pos: pos, Msg: fmt.Sprintf(
		"%s %d, the limit on a scenario file's nesting; this limit is fixed (no scenario needs more than a few levels)", what, MaxDepth)}}
}

// tooDeep scans TOML source for the first place where arrays and inline
// tables nest more than MaxDepth deep, or a dotted key has more than
// MaxDepth parts, skipping strings and comments. It returns that place
// and what went over, or the zero Pos.
func tooDeep(src []byte) (Pos, string) {
	line, col := 1, 1
	depth, dots := 0, 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		here := Pos{line, col}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		switch c {
		case '#':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
				col++
			}
		case '"', '\'':
			n := skipString(src, i)
			for _, b := range src[i+1 : n] {
				if b == '\n' {
					line, col = line+1, 1
				} else {
					col++
				}
			}
			i = n - 1
		case '[', '{':
			depth++
			if depth > MaxDepth {
				return here, "arrays and inline tables nest deeper than"
			}
		case ']', '}':
			depth = max(0, depth-1)
			dots = 0
		case '=', ',', '\n':
			dots = 0
		case '.':
			dots++
			if dots >= MaxDepth {
				return here, "a dotted key has more parts than"
			}
		}
	}
	return Pos{}, ""
}

// skipString returns the index just past the string (basic or literal,
// one-line or multi-line) that starts at src[i], or len(src) if it does
// not end.
func skipString(src []byte, i int) int {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
		for j := i + 3; j+2 < len(src); j++ {
			if q == '"' && src[j] == '\\' {
				j++
				continue
			}
			if src[j] == q && src[j+1] == q && src[j+2] == q {
				for j+3 < len(src) && src[j+3] == q {
					j++ // up to two quotes may end the content
				}
				return j + 3
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch {
		case src[j] == '\n':
			return j
		case q == '"' && src[j] == '\\':
			j++
		case src[j] == q:
			return j + 1
		}
	}
	return len(src)
}
