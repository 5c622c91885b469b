package format

import (
	"bytes"
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The encoder writes the schema's structs back as TOML the decoder reads
// to the same values: keys from the `toml` tags, zero values (which mean
// "the default" in the format) left out, durations and distributions as
// their strings, TextMarshalers as their text, Settings as a table of
// "dotted.path" = value, floats so that they read back as the same float.

// An Encoder writes a TOML document: comments and single keys first, then
// a body of values, tables and arrays of tables (Body).
type Encoder struct {
	b bytes.Buffer
}

// Bytes returns the document written so far.
func (e *Encoder) Bytes() []byte { return e.b.Bytes() }

// Comment writes text as comment lines ("# ...").
func (e *Encoder) Comment(text string) {
	for _, l := range strings.Split(text, "\n") {
		e.b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
}

// Blank writes an empty line.
func (e *Encoder) Blank() { e.b.WriteByte('\n') }

// Key writes key = v on one line, v as an inline value.
func (e *Encoder) Key(key string, v any) error {
	return e.value(tomlKV{key, reflect.ValueOf(v)})
}

// Text writes key = s, s as a multi-line literal string when it can be
// (no ”' and no control characters), else as a basic string.
func (e *Encoder) Text(key, s string) {
	e.b.WriteString(tomlKey(key) + " = " + tomlMultiline(s) + "\n")
}

// KV is a key of a document's body and its value. An empty Key spreads
// the value, a struct, into the body: its keys are the body's, as an
// embedded struct's are its table's.
type KV struct {
	Key   string
	Value any
}

// Body writes the top-level keys of kvs: values, then tables (tables of
// the same key, as the world's and the runner's [limits], merged into
// one), then arrays of tables. Zero values are left out.
func (e *Encoder) Body(kvs ...KV) error {
	var top []tomlKV
	for _, kv := range kvs {
		v := reflect.ValueOf(kv.Value)
		switch {
		case kv.Key == "":
			top = append(top, tomlFields(v)...)
		case v.IsZero() || v.Kind() == reflect.Slice && v.Len() == 0:
		default:
			top = append(top, tomlKV{kv.Key, v})
		}
	}
	return e.top(top)
}

// tomlKV is one key of a TOML table and its value.
type tomlKV struct {
	key string
	v   reflect.Value
}

var (
	stringerType = reflect.TypeFor[fmt.Stringer]()
	textMarshal  = reflect.TypeFor[encoding.TextMarshaler]()
	anyType      = reflect.TypeFor[any]()
)

// tomlFields returns the keys of a struct, in the order of its schema
// (the decoder's: embedded structs without a tag flattened, "-" and
// untagged fields left out), without zero values, which mean "the
// default" in the scenario format. Struct fields sharing a key are each
// returned; the table writer merges them.
func tomlFields(v reflect.Value) []tomlKV {
	var out []tomlKV
	s := schemaOf(v.Type())
	for _, k := range s.keys {
		for _, f := range s.by[k] {
			fv := v.FieldByIndex(f.index)
			if fv.IsZero() {
				continue
			}
			out = append(out, tomlKV{k, fv})
		}
	}
	return out
}

// deref follows pointers and interfaces that are not themselves leaves.
func deref(v reflect.Value) (reflect.Value, bool) {
	for {
		if isLeaf(v) {
			return v, true
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		default:
			return v, true
		}
	}
}

// isLeaf reports whether v is written as a string of its own: a duration,
// a distribution (a Stringer in an interface), a TextMarshaler.
func isLeaf(v reflect.Value) bool {
	t := v.Type()
	if t == durationType {
		return true
	}
	if v.Kind() == reflect.Interface && !v.IsNil() && t != anyType && t.Implements(stringerType) {
		return true
	}
	return t.Implements(textMarshal) && v.Kind() != reflect.Pointer
}

// isTable reports whether v is written as a table of its own (a struct
// that is not a leaf).
func isTable(v reflect.Value) bool {
	v, ok := deref(v)
	return ok && v.Kind() == reflect.Struct && !isLeaf(v)
}

// isTableArray reports whether v is a list of tables.
func isTableArray(v reflect.Value) bool {
	v, ok := deref(v)
	if !ok || v.Kind() != reflect.Slice || v.Len() == 0 || v.Type() == settingsType {
		return false
	}
	e := v.Type().Elem()
	return e.Kind() == reflect.Struct && e != durationType && !e.Implements(textMarshal)
}

// tomlInline renders v as an inline TOML value: a string, number, boolean,
// array or inline table.
func tomlInline(v reflect.Value) (string, error) {
	v, ok := deref(v)
	if !ok {
		return "", fmt.Errorf("nil value")
	}
	t := v.Type()
	switch {
	case t == durationType:
		return tomlString(time.Duration(v.Int()).String()), nil
	case v.Kind() == reflect.Interface:
		return tomlString(v.Interface().(fmt.Stringer).String()), nil
	case t.Implements(textMarshal):
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		return tomlString(string(b)), err
	}
	switch v.Kind() {
	case reflect.String:
		return tomlString(v.String()), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return tomlFloat(v.Float()), nil
	case reflect.Slice, reflect.Array:
		if t == settingsType {
			return settingsInline(v.Interface().(Settings))
		}
		parts := make([]string, v.Len())
		for i := range parts {
			s, err := tomlInline(v.Index(i))
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case reflect.Map:
		keys := v.MapKeys()
		ks := make([]string, len(keys))
		for i, k := range keys {
			ks[i] = k.String()
		}
		slices.Sort(ks)
		parts := make([]string, 0, len(ks))
		for _, k := range ks {
			s, err := tomlInline(v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())))
			if err != nil {
				return "", err
			}
			parts = append(parts, tomlKey(k)+" = "+s)
		}
		return inlineTable(parts), nil
	case reflect.Struct:
		var parts []string
		for _, kv := range tomlFields(v) {
			s, err := tomlInline(kv.v)
			if err != nil {
				return "", fmt.Errorf("%s: %w", kv.key, err)
			}
			parts = append(parts, tomlKey(kv.key)+" = "+s)
		}
		return inlineTable(parts), nil
	}
	return "", fmt.Errorf("cannot write a %s in TOML", t)
}

// settingsInline writes a variant's overrides as an inline table of
// "dotted.path" = value.
func settingsInline(sets Settings) (string, error) {
	parts := make([]string, len(sets))
	for i, st := range sets {
		s, err := tomlInline(reflect.ValueOf(&sets[i].Value).Elem())
		if err != nil {
			return "", err
		}
		parts[i] = tomlString(st.Path) + " = " + s
	}
	return inlineTable(parts), nil
}

func inlineTable(parts []string) string {
	if len(parts) == 0 {
		return "{}"
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// tomlFloat writes a float so that it reads back as the same float (and
// as a float, not an integer).
func tomlFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// tomlKey writes a key bare when it can be, quoted otherwise.
func tomlKey(k string) string {
	if ValidName(k) {
		return k
	}
	return tomlString(k)
}

// tomlString writes a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlMultiline writes a long text as a multi-line literal string when it
// can (no ”' and no control characters), else as a basic string.
func tomlMultiline(s string) string {
	if strings.Contains(s, "'''") || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) ||
		strings.HasSuffix(s, "'") {
		return tomlString(s)
	}
	return "'''\n" + s + "'''"
}

// top writes the top-level table from kvs, in order (values, then tables,
// then lists of tables; tables with the same key are merged).
func (d *Encoder) top(kvs []tomlKV) error {
	var tables, arrays []tomlKV
	for _, kv := range kvs {
		switch {
		case isTableArray(kv.v):
			arrays = append(arrays, kv)
		case isTable(kv.v):
			tables = append(tables, kv)
		default:
			if err := d.value(kv); err != nil {
				return err
			}
		}
	}
	// merge tables that share a key ([limits] of the world and of the
	// runner)
	var order []string
	fields := map[string][]tomlKV{}
	for _, kv := range tables {
		if _, ok := fields[kv.key]; !ok {
			order = append(order, kv.key)
		}
		v, _ := deref(kv.v)
		fields[kv.key] = append(fields[kv.key], tomlFields(v)...)
	}
	for _, k := range order {
		if len(fields[k]) == 0 {
			continue
		}
		d.b.WriteString("\n[" + tomlKey(k) + "]\n")
		for _, kv := range fields[k] {
			if err := d.value(kv); err != nil {
				return fmt.Errorf("%s.%w", k, err)
			}
		}
	}
	for _, kv := range arrays {
		v, _ := deref(kv.v)
		for i := range v.Len() {
			d.b.WriteString("\n[[" + tomlKey(kv.key) + "]]\n")
			e, _ := deref(v.Index(i))
			for _, f := range tomlFields(e) {
				if err := d.value(f); err != nil {
					return fmt.Errorf("%s[%d].%w", kv.key, i, err)
				}
			}
		}
	}
	return nil
}

// value writes key = value on one line.
func (d *Encoder) value(kv tomlKV) error {
	s, err := tomlInline(kv.v)
	if err != nil {
		return fmt.Errorf("%s: %w", kv.key, err)
	}
	d.b.WriteString(tomlKey(kv.key) + " = " + s + "\n")
	return nil
}
