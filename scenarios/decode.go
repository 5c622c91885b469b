package scenarios

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// The decoder turns the generic tree the TOML library parses (maps,
// slices, int64, float64, string, bool, dates) into Go values, driven by
// reflection over the `toml` tags of the target types, so that a field
// added to models.Config is a key of the format without any change here.
// Special cases: time.Duration (a string such as "250ms"), sim.Dist (a
// string parsed by sim.ParseDist), any type implementing
// encoding.TextUnmarshaler (a string), Settings (a variant's overrides),
// embedded structs (their keys belong to the enclosing table), and struct
// fields of different structs sharing one key (their keys are merged into
// one table: [limits] holds models' limits and the runner's).

var (
	durationType = reflect.TypeFor[time.Duration]()
	distType     = reflect.TypeFor[sim.Dist]()
	settingsType = reflect.TypeFor[Settings]()
	textType     = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// field is one keyed field of a struct type.
type field struct {
	key   string
	index []int
	depth int
	noset bool
	typ   reflect.Type
}

// schema is the keys of a struct type, in declaration order.
type schema struct {
	keys []string
	by   map[string][]field
}

// schemaOf returns the schema of struct type t. Fields without a toml tag
// (and not embedded) and fields tagged "-" are not keys. A tag option
// "noset" marks a key that variants and sweeps may not override.
func schemaOf(t reflect.Type) *schema {
	s := &schema{by: map[string][]field{}}
	var walk func(t reflect.Type, index []int, depth int)
	walk = func(t reflect.Type, index []int, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("toml")
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx, depth+1)
				continue
			}
			if !f.IsExported() || name == "" {
				continue
			}
			if _, ok := s.by[name]; !ok {
				s.keys = append(s.keys, name)
			}
			s.by[name] = append(s.by[name], field{key: name, index: idx, depth: depth, noset: opts == "noset", typ: f.Type})
		}
	}
	walk(t, nil, 0)
	for _, k := range s.keys {
		fs := s.by[k]
		if len(fs) < 2 {
			continue
		}
		merged := true
		for _, f := range fs {
			merged = merged && f.typ.Kind() == reflect.Struct
		}
		if merged {
			continue
		}
		minDepth := fs[0].depth
		for _, f := range fs {
			minDepth = min(minDepth, f.depth)
		}
		var keep []field
		for _, f := range fs {
			if f.depth == minDepth {
				keep = append(keep, f)
			}
		}
		if len(keep) > 1 {
			panic(fmt.Sprintf("scenarios: key %q is ambiguous in %v", k, t))
		}
		s.by[k] = keep
	}
	return s
}

// path is where a value is: key is its index key (table keys and array
// indices, as posIndex records them), disp the path shown in errors.
type path struct {
	key  []string
	disp string
}

func (p path) field(k string) path {
	d := quoteKey(k)
	if p.disp != "" {
		d = p.disp + "." + d
	}
	return path{key: append(append([]string(nil), p.key...), k), disp: d}
}

func (p path) elem(i int, name string) path {
	sel := strconv.Itoa(i)
	if validName(name) {
		sel = name
	}
	return path{key: append(append([]string(nil), p.key...), strconv.Itoa(i)), disp: p.disp + "[" + sel + "]"}
}

// quoteKey spells a key the way TOML would: bare if it can be.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		if !isBare(k[i]) {
			return strconv.Quote(k)
		}
	}
	return k
}

// validName mirrors models' rule for names: letters, digits, '_' and '-'
// (so that a name is one part of a dotted path).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBare(s[i]) {
			return false
		}
	}
	return true
}

type decoder struct {
	ix     *posIndex
	e      *errs
	failed map[string]bool // joined index keys whose value did not decode
}

func newDecoder(ix *posIndex, e *errs) *decoder {
	return &decoder{ix: ix, e: e, failed: map[string]bool{}}
}

func (d *decoder) keyPos(k []string) Pos {
	if d.ix == nil {
		return Pos{}
	}
	return d.ix.keyPos(k)
}

func (d *decoder) valInfo(k []string) valInfo {
	if d.ix == nil {
		return valInfo{}
	}
	return d.ix.valPos(k)
}

// fail records an error about the value at p, located at its key.
func (d *decoder) fail(p path, err error, format string, args ...any) {
	d.failed[joinKey(p.key)] = true
	d.e.add(d.keyPos(p.key), p.disp, fmt.Sprintf(format, args...), err)
}

// hasFailed reports whether the value at k, or an ancestor, failed to
// decode.
func (d *decoder) hasFailed(k []string) bool {
	for n := len(k); n > 0; n-- {
		if d.failed[joinKey(k[:n])] {
			return true
		}
	}
	return false
}

// table decodes a TOML table into one struct, or several whose keys share
// the table.
func (d *decoder) table(raw map[string]any, targets []reflect.Value, p path) {
	schemas := make([]*schema, len(targets))
	var valid []string
	for i, t := range targets {
		schemas[i] = schemaOf(t.Type())
		for _, k := range schemas[i].keys {
			if !contains(valid, k) {
				valid = append(valid, k)
			}
		}
	}
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		var fields []reflect.Value
		for i, t := range targets {
			for _, f := range schemas[i].by[k] {
				fields = append(fields, t.FieldByIndex(f.index))
			}
		}
		fp := p.field(k)
		switch len(fields) {
		case 0:
			where := "here"
			if p.disp != "" {
				where = "in " + p.disp
			}
			d.fail(fp, nil, "unknown key%s", didYouMean(k, valid, "keys "+where))
		case 1:
			d.value(v, fields[0], fp)
		default:
			m, ok := v.(map[string]any)
			if !ok {
				d.fail(fp, nil, "must be a table, got %s", describe(v))
				continue
			}
			d.table(m, fields, fp)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// value decodes raw into v (settable).
func (d *decoder) value(raw any, v reflect.Value, p path) {
	t := v.Type()
	switch {
	case t == durationType:
		d.duration(raw, v, p)
		return
	case t == distType:
		d.dist(raw, v, p)
		return
	case t == settingsType:
		d.settings(raw, v, p)
		return
	case t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && reflect.PointerTo(t).Implements(textType):
		s, ok := raw.(string)
		if !ok {
			d.fail(p, nil, "must be a string, got %s", describe(raw))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			d.fail(p, err, "%v", err)
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		n := reflect.New(t.Elem())
		before := len(d.e.list)
		d.value(raw, n.Elem(), p)
		if len(d.e.list) == before {
			v.Set(n)
		}
	case reflect.Interface:
		if t.NumMethod() != 0 {
			d.fail(p, nil, "cannot be set from a scenario file")
			return
		}
		v.Set(reflect.ValueOf(raw))
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			d.fail(p, nil, "must be a table, got %s", describe(raw))
			return
		}
		d.table(m, []reflect.Value{v}, p)
	case reflect.Slice:
		items, ok := asArray(raw)
		if !ok {
			d.fail(p, nil, "must be an array, got %s", describe(raw))
			return
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			name, _ := nameOf(it)
			d.value(it, s.Index(i), p.elem(i, name))
		}
		v.Set(s)
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			d.fail(p, nil, "must be a table, got %s", describe(raw))
			return
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for _, k := range sortedKeys(m) {
			ev := reflect.New(t.Elem()).Elem()
			d.value(m[k], ev, p.field(k))
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		v.Set(out)
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			d.fail(p, nil, "must be a string, got %s", describe(raw))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			d.fail(p, nil, "must be true or false, got %s", describe(raw))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := raw.(int64)
		if !ok {
			d.fail(p, nil, "must be an integer, got %s", describe(raw))
			return
		}
		if v.OverflowInt(n) {
			d.fail(p, nil, "%d is out of range for this key", n)
			return
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := raw.(int64)
		if !ok {
			d.fail(p, nil, "must be an integer >= 0, got %s", describe(raw))
			return
		}
		if n < 0 || v.OverflowUint(uint64(n)) {
			d.fail(p, nil, "must be an integer >= 0 in range, got %d", n)
			return
		}
		v.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		switch x := raw.(type) {
		case int64:
			v.SetFloat(float64(x))
		case float64:
			v.SetFloat(x)
		default:
			d.fail(p, nil, "must be a number, got %s", describe(raw))
		}
	default:
		d.fail(p, nil, "has a type (%v) the scenario format cannot set", t)
	}
}

func (d *decoder) duration(raw any, v reflect.Value, p path) {
	switch x := raw.(type) {
	case string:
		dur, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			d.fail(p, err, "must be a duration such as \"250ms\", \"1.5s\" or \"2m\" (units ns, us, ms, s, m, h), got %q", x)
			return
		}
		v.SetInt(int64(dur))
	case int64, float64:
		if x == int64(0) || x == 0.0 {
			v.SetInt(0)
			return
		}
		d.fail(p, nil, "must be a duration string with a unit, such as \"%vs\" or \"%vms\"; a bare number has no unit", x, x)
	default:
		d.fail(p, nil, "must be a duration string such as \"250ms\", got %s", describe(raw))
	}
}

func (d *decoder) dist(raw any, v reflect.Value, p path) {
	s, ok := raw.(string)
	if !ok {
		if _, num := raw.(int64); num {
			d.fail(p, nil, "must be a distribution string such as \"20ms\" or \"exp(20ms)\"; a bare number has no unit")
		} else {
			d.fail(p, nil, "must be a distribution string such as \"20ms\" or \"exp(20ms)\", got %s", describe(raw))
		}
		return
	}
	dist, err := sim.ParseDist(s)
	if err != nil {
		d.failed[joinKey(p.key)] = true
		msg := err.Error()
		pos := d.keyPos(p.key)
		var de *sim.DistError
		if errors.As(err, &de) {
			msg = fmt.Sprintf("invalid distribution %q: %s", s, de.Msg)
			if vi := d.valInfo(p.key); vi.pos.Line > 0 && !strings.Contains(s, "\n") {
				pos = Pos{vi.pos.Line, vi.pos.Col + vi.open + de.Col - 1}
			}
		}
		d.e.add(pos, p.disp, msg, err)
		return
	}
	v.Set(reflect.ValueOf(&dist).Elem())
}

// settings decodes a variant's set table: nested tables are flattened to
// dotted paths ({ clients.users.timeout = "1s" } and
// { "clients.users.timeout" = "1s" } are the same), in file order.
func (d *decoder) settings(raw any, v reflect.Value, p path) {
	m, ok := raw.(map[string]any)
	if !ok {
		d.fail(p, nil, "must be a table of \"dotted.path\" = value, got %s", describe(raw))
		return
	}
	var out Settings
	var walk func(m map[string]any, prefix string, key []string)
	walk = func(m map[string]any, prefix string, key []string) {
		if len(m) == 0 && prefix != "" {
			d.fail(path{key: key, disp: p.disp + "." + quoteKey(prefix)}, nil, "an empty table sets nothing; set its keys, e.g. \"%s.key\" = value", prefix)
		}
		for _, k := range sortedKeys(m) {
			full := k
			if prefix != "" {
				full = prefix + "." + k
			}
			kk := append(append([]string(nil), key...), k)
			if sub, ok := m[k].(map[string]any); ok {
				walk(sub, full, kk)
				continue
			}
			out = append(out, Setting{Path: full, Value: m[k], key: kk})
		}
	}
	walk(m, "", p.key)
	if d.ix != nil {
		sort.SliceStable(out, func(i, j int) bool {
			a, b := d.ix.valPos(out[i].key).pos, d.ix.valPos(out[j].key).pos
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Col < b.Col
		})
	}
	v.Set(reflect.ValueOf(out))
}

// asArray returns the elements of a TOML array (of values or of tables).
func asArray(raw any) ([]any, bool) {
	switch x := raw.(type) {
	case []any:
		return x, true
	case []map[string]any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = x[i]
		}
		return out, true
	}
	return nil, false
}

// nameOf returns the "name" of a table, if it has a string one.
func nameOf(raw any) (string, bool) {
	m, ok := raw.(map[string]any)
	if !ok {
		return "", false
	}
	s, ok := m["name"].(string)
	return s, ok
}

// describe names a raw TOML value for an error message.
func describe(raw any) string {
	switch x := raw.(type) {
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return "the string " + strconv.Quote(x)
	case int64:
		return "the integer " + strconv.FormatInt(x, 10)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "the float " + fmt.Sprint(x)
		}
		return "the float " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	case nil:
		return "nothing"
	}
	return "a date/time"
}
