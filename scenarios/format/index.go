package format

import (
	"reflect"
	"strconv"
	"strings"
	"time"
)

// The TOML library reports no positions for keys, so the loader keeps its
// own index: a lenient lexer re-scans the source (already known to be valid
// TOML) and records where each key and each value starts, keyed by the
// key's path with array elements by index ("services", "0", "queue",
// "limit"). Every error is then located through this index.

// valInfo is where a value starts, and how many bytes its opening quote
// takes (1 for "..." and '...', 3 for """...""" and ”'...”', 0 for
// anything else), so that a column inside a string can be mapped to the
// file.
type valInfo struct {
	pos  Pos
	open int
}

// posIndex maps key paths (joined by keySep) to positions.
type posIndex struct {
	keys map[string]Pos
	vals map[string]valInfo
}

const keySep = "\x00"

func joinKey(k []string) string { return strings.Join(k, keySep) }

// keyPos returns the position of the key at k, or of its nearest ancestor
// that has one, or line 1 column 1.
func (ix *posIndex) keyPos(k []string) Pos {
	for n := len(k); n > 0; n-- {
		j := joinKey(k[:n])
		if p, ok := ix.keys[j]; ok {
			return p
		}
		if v, ok := ix.vals[j]; ok {
			return v.pos
		}
	}
	return Pos{1, 1}
}

// valPos returns where the value at k starts, falling back to keyPos.
func (ix *posIndex) valPos(k []string) valInfo {
	if v, ok := ix.vals[joinKey(k)]; ok {
		return v
	}
	return valInfo{pos: ix.keyPos(k)}
}

// maxNesting bounds the lexer's recursion into arrays and inline tables.
const maxNesting = 200

type lexer struct {
	src       []byte
	i         int
	line      int
	lineStart int
	ix        *posIndex
	arrays    map[string]int // elements of arrays of tables, by resolved path
	table     []string       // the current table, resolved
}

// indexPositions scans src and returns its position index. It never fails:
// what it cannot make sense of, it skips.
func indexPositions(src []byte) *posIndex {
	l := &lexer{
		src:    src,
		line:   1,
		ix:     &posIndex{keys: map[string]Pos{}, vals: map[string]valInfo{}},
		arrays: map[string]int{},
	}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		l.i, l.lineStart = 3, 3 // a byte order mark is not a column
	}
	for l.i < len(l.src) {
		l.space()
		if l.i >= len(l.src) {
			break
		}
		start := l.i
		switch c := l.src[l.i]; c {
		case '\n', '\r':
			l.adv()
		case '#':
			l.toEOL()
		case '[':
			l.header()
		default:
			l.keyval(l.table, 0)
		}
		if l.i == start {
			l.toEOL() // no progress: skip the line
		}
	}
	return l.ix
}

func (l *lexer) pos() Pos { return Pos{Line: l.line, Col: l.i - l.lineStart + 1} }

func (l *lexer) peek(off int) byte {
	if l.i+off < len(l.src) {
		return l.src[l.i+off]
	}
	return 0
}

// adv consumes one byte, tracking lines.
func (l *lexer) adv() {
	if l.i >= len(l.src) {
		return
	}
	if l.src[l.i] == '\n' {
		l.line++
		l.lineStart = l.i + 1
	}
	l.i++
}

func (l *lexer) space() {
	for l.i < len(l.src) && (l.src[l.i] == ' ' || l.src[l.i] == '\t') {
		l.i++
	}
}

// blank skips spaces, newlines and comments.
func (l *lexer) blank() {
	for l.i < len(l.src) {
		switch l.src[l.i] {
		case ' ', '\t', '\r', '\n':
			l.adv()
		case '#':
			l.toEOL()
		default:
			return
		}
	}
}

func (l *lexer) toEOL() {
	for l.i < len(l.src) && l.src[l.i] != '\n' {
		l.i++
	}
}

func (l *lexer) setKey(k []string, p Pos, overwrite bool) {
	j := joinKey(k)
	if _, ok := l.ix.keys[j]; ok && !overwrite {
		return
	}
	l.ix.keys[j] = p
}

func isBare(c byte) bool {
	return c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// key reads a dotted key and returns its parts and where each starts.
func (l *lexer) key() (parts []string, at []Pos) {
	for l.i < len(l.src) {
		l.space()
		p := l.pos()
		c := l.peek(0)
		switch {
		case isBare(c):
			s := l.i
			for l.i < len(l.src) && isBare(l.src[l.i]) {
				l.i++
			}
			parts = append(parts, string(l.src[s:l.i]))
		case c == '"':
			raw := l.quoted('"')
			if u, err := strconv.Unquote(`"` + raw + `"`); err == nil {
				raw = u
			}
			parts = append(parts, raw)
		case c == '\'':
			parts = append(parts, l.quoted('\''))
		default:
			return parts, at
		}
		at = append(at, p)
		l.space()
		if l.peek(0) != '.' {
			return parts, at
		}
		l.adv()
	}
	return parts, at
}

// quoted consumes a one-line string opened by q and returns its raw
// contents.
func (l *lexer) quoted(q byte) string {
	l.adv()
	s := l.i
	for l.i < len(l.src) {
		c := l.src[l.i]
		if c == '\n' {
			return string(l.src[s:l.i])
		}
		if c == '\\' && q == '"' {
			l.i += 2
			continue
		}
		if c == q {
			raw := string(l.src[s:l.i])
			l.i++
			return raw
		}
		l.i++
	}
	return string(l.src[s:min(l.i, len(l.src))])
}

// multiline consumes a multi-line string opened by three q.
func (l *lexer) multiline(q byte) {
	for range 3 {
		l.adv()
	}
	for l.i < len(l.src) {
		if l.src[l.i] == '\\' && q == '"' {
			l.adv()
			l.adv()
			continue
		}
		if l.src[l.i] == q && l.peek(1) == q && l.peek(2) == q {
			for range 3 {
				l.adv()
			}
			// up to two more quotes belong to the content
			for range 2 {
				if l.peek(0) == q {
					l.adv()
				}
			}
			return
		}
		l.adv()
	}
}

func (l *lexer) header() {
	l.adv()
	array := l.peek(0) == '['
	if array {
		l.adv()
	}
	parts, at := l.key()
	if len(parts) == 0 {
		return
	}
	var resolved []string
	for j, part := range parts {
		resolved = append(resolved, part)
		last := j == len(parts)-1
		switch n, isArr := l.arrays[joinKey(resolved)]; {
		case last && array:
			l.setKey(resolved, at[j], false)
			l.arrays[joinKey(resolved)] = n + 1
			resolved = append(resolved, strconv.Itoa(n))
			l.setKey(resolved, at[j], true)
		case isArr:
			resolved = append(resolved, strconv.Itoa(n-1))
		default:
			l.setKey(resolved, at[j], false)
		}
	}
	l.table = resolved
	l.toEOL()
}

// keyval reads "key = value" relative to table.
func (l *lexer) keyval(table []string, depth int) bool {
	parts, at := l.key()
	if len(parts) == 0 {
		return false
	}
	full := append(append([]string(nil), table...), parts...)
	for j := range parts {
		l.setKey(full[:len(table)+j+1], at[j], j == len(parts)-1)
	}
	l.space()
	if l.peek(0) != '=' {
		return false
	}
	l.adv()
	l.space()
	l.value(full, depth)
	return true
}

func (l *lexer) value(path []string, depth int) {
	if depth > maxNesting || l.i >= len(l.src) {
		return
	}
	p := l.pos()
	j := joinKey(path)
	switch c := l.src[l.i]; c {
	case '"', '\'':
		if l.peek(1) == c && l.peek(2) == c {
			l.ix.vals[j] = valInfo{p, 3}
			l.multiline(c)
		} else {
			l.ix.vals[j] = valInfo{p, 1}
			l.quoted(c)
		}
	case '[':
		l.ix.vals[j] = valInfo{p, 0}
		l.adv()
		for n := 0; l.i < len(l.src); n++ {
			l.blank()
			if l.peek(0) == ']' {
				l.adv()
				return
			}
			start := l.i
			l.value(append(append([]string(nil), path...), strconv.Itoa(n)), depth+1)
			l.blank()
			switch l.peek(0) {
			case ',':
				l.adv()
			case ']':
				l.adv()
				return
			default:
				if l.i == start {
					return
				}
			}
		}
	case '{':
		l.ix.vals[j] = valInfo{p, 0}
		l.adv()
		for l.i < len(l.src) {
			l.blank()
			if l.peek(0) == '}' {
				l.adv()
				return
			}
			if !l.keyval(path, depth+1) {
				return
			}
			l.blank()
			switch l.peek(0) {
			case ',':
				l.adv()
			case '}':
				l.adv()
				return
			default:
				return
			}
		}
	default:
		l.ix.vals[j] = valInfo{p, 0}
		for l.i < len(l.src) {
			switch l.src[l.i] {
			case ',', ']', '}', '#', '\n', '\r':
				return
			}
			l.i++
		}
	}
}

// KeyOf turns a path as errors spell it ("services[api].calls[0].target",
// as the schema's validation reports them) into the index key of that key
// in the file, resolving list entries by name against what the file
// holds, so that KeyPos and Failed can be asked about it.
func (d *Decoder) KeyOf(disp string) []string {
	var key []string
	var cur any = d.raw
	rest := disp
	for rest != "" {
		if rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				break
			}
			sel := rest[1:end]
			rest = strings.TrimPrefix(rest[end+1:], ".")
			items, _ := asArray(cur)
			idx := -1
			if n, err := strconv.Atoi(sel); err == nil && n >= 0 && n < len(items) {
				idx = n
			}
			for i, it := range items {
				if name, ok := nameOf(it); ok && name == sel && idx < 0 {
					idx = i
				}
			}
			if idx < 0 {
				break
			}
			key = append(key, strconv.Itoa(idx))
			cur = items[idx]
			continue
		}
		end := strings.IndexAny(rest, ".[")
		name := rest
		if end >= 0 {
			name = rest[:end]
			rest = rest[end:]
			rest = strings.TrimPrefix(rest, ".")
		} else {
			rest = ""
		}
		key = append(key, name)
		if m, ok := cur.(map[string]any); ok {
			cur = m[name]
		} else {
			cur = nil
		}
	}
	return key
}

// Holds reports whether the file gives a value at the index key k (from
// KeyOf): false for a key it leaves out, and without a file.
func (d *Decoder) Holds(k []string) bool {
	var cur any = d.raw
	for _, name := range k {
		if m, ok := cur.(map[string]any); ok {
			if cur, ok = m[name]; !ok {
				return false
			}
			continue
		}
		items, ok := asArray(cur)
		i, err := strconv.Atoi(name)
		if !ok || err != nil || i < 0 || i >= len(items) {
			return false
		}
		cur = items[i]
	}
	return cur != nil
}

// Zeros returns the set paths ("services.0.workers", list entries by
// index) of every 0 the file sets, numbers and zero durations ("0s",
// "0ms") alike, in key order, so that the caller can tell a key set to 0
// from a key left out: a default must replace only the second.
func (d *Decoder) Zeros() []string {
	var out []string
	for _, z := range d.zeros() {
		out = append(out, z.path)
	}
	return out
}

// zeroKey is a path the file sets to 0; dur when it is a duration string.
type zeroKey struct {
	path string
	dur  bool
}

func (d *Decoder) zeros() []zeroKey {
	var out []zeroKey
	var walk func(raw any, path string)
	walk = func(raw any, path string) {
		switch x := raw.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(x[k], p)
			}
		case int64:
			if x == 0 {
				out = append(out, zeroKey{path: path})
			}
		case float64:
			if x == 0 {
				out = append(out, zeroKey{path: path})
			}
		case string:
			if dur, err := time.ParseDuration(strings.TrimSpace(x)); err == nil && dur == 0 {
				out = append(out, zeroKey{path: path, dur: true})
			}
		default:
			if items, ok := asArray(raw); ok {
				for i, it := range items {
					walk(it, path+"."+strconv.Itoa(i))
				}
			}
		}
	}
	walk(d.raw, "")
	return out
}

// A Zero is a key the file sets to 0 whose value in a struct had been
// replaced by a default: where it is, and the default.
type Zero struct {
	Path    Path
	Default any
}

// RestoreZeros sets back to 0, in the struct root points to (a config
// after its defaults were applied), every key the file sets to 0 that
// holds something else, and returns them, so that validation judges the
// value written rather than the default.
func (d *Decoder) RestoreZeros(root any) []Zero {
	var out []Zero
	for _, z := range d.zeros() {
		v, disp, err := resolve(root, z.path, false)
		for err == nil && v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem() // queue.limit = 0 is a set *int
		}
		if err != nil || v.IsZero() || !v.CanSet() {
			continue
		}
		if z.dur && v.Type() != durationType {
			continue // a string that reads as "0" but is no duration key
		}
		out = append(out, Zero{Path: Path{Key: d.KeyOf(disp), Disp: disp}, Default: v.Interface()})
		v.SetZero()
	}
	return out
}
