package format

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// The decoder turns the generic tree the TOML library parses (maps,
// slices, int64, float64, string, bool, dates) into Go values, driven by
// reflection over the `toml` tags of the target types, so that a field
// added to the schema is a key of the format without any change here.
// Special cases: time.Duration (a string such as "250ms"), sim.Dist (a
// string parsed by sim.ParseDist), any type implementing
// encoding.TextUnmarshaler (a string), Settings (a variant's overrides),
// embedded structs (their keys belong to the enclosing table), and struct
// fields of different structs sharing one key (their keys are merged into
// one table: [limits] holds the world's limits and the runner's).

var (
	durationType = reflect.TypeFor[time.Duration]()
	distType     = reflect.TypeFor[sim.Dist]()
	settingsType = reflect.TypeFor[Settings]()
	dataFileType = reflect.TypeFor[DataFile]()
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
			panic(fmt.Sprintf("format: key %q is ambiguous in %v", k, t))
		}
		s.by[k] = keep
	}
	return s
}

// Path is where a value is: Key is its index key (table keys and array
// indices, as the file's position index records them: "services", "0",
// "queue", "limit"), Disp the path errors show
// ("services[api].queue.limit"). A Path with no Key (a --set from the
// command line) has no position.
type Path struct {
	Key  []string
	Disp string
}

// At returns the path of a top-level key: Key [k], Disp k.
func At(k string) Path { return Path{}.Field(k) }

// Field returns the path of key k of the table at p.
func (p Path) Field(k string) Path {
	d := QuoteKey(k)
	if p.Disp != "" {
		d = p.Disp + "." + d
	}
	return Path{Key: append(append([]string(nil), p.Key...), k), Disp: d}
}

// Elem returns the path of entry i of the list at p, shown by its name
// when it has a valid one ("services[api]"), else by index.
func (p Path) Elem(i int, name string) Path {
	sel := strconv.Itoa(i)
	if ValidName(name) {
		sel = name
	}
	return Path{Key: append(append([]string(nil), p.Key...), strconv.Itoa(i)), Disp: p.Disp + "[" + sel + "]"}
}

// QuoteKey spells a key the way errors show it: bare if it can be, else
// quoted.
func QuoteKey(k string) string {
	if ValidName(k) {
		return k
	}
	return strconv.Quote(k)
}

// ValidName mirrors the schema's rule for names: letters, digits, '_' and
// '-' (so that a name is one part of a dotted path).
func ValidName(s string) bool {
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

// A Decoder decodes raw TOML values into schema structs and collects every
// error, located in the file through its position index (if it has one)
// and sorted by position. The caller's own checks report through it too
// (Fail, Add), so one list holds every problem of a file.
type Decoder struct {
	ix     *posIndex
	raw    map[string]any // the file's tree, for KeyOf
	e      errs
	failed map[string]bool // joined index keys whose value did not decode
	open   sim.Opener      // opens the data files values name; nil: none can be
}

// DataFile is a key whose value names a data file (a client's recorded
// traffic): the decoder gives the name and its Opener to LoadData, which
// reads the file and keeps what it needs. A *sim.DataError it returns is
// reported at the key, with the data file's own line.
type DataFile interface {
	LoadData(open sim.Opener, name string) error
}

// WithOpener sets how d opens the data files values name (relative to the
// scenario file), and returns d. Without one, a value naming a data file
// is an error.
func (d *Decoder) WithOpener(open sim.Opener) *Decoder {
	d.open = open
	return d
}

// Opener returns what d opens data files with (nil if none).
func (d *Decoder) Opener() sim.Opener { return d.open }

// NewDecoder returns a decoder whose errors name file and have no
// position (for values that come from no file: --set, sweep points).
func NewDecoder(file string) *Decoder {
	return &Decoder{e: errs{file: file}, failed: map[string]bool{}}
}

// HasPositions reports whether the decoder locates errors in a file.
func (d *Decoder) HasPositions() bool { return d.ix != nil }

// KeyPos returns where the key at k (an index key) is in the file: its
// own position, or its nearest ancestor's; the zero Pos without a file.
func (d *Decoder) KeyPos(k []string) Pos {
	if d.ix == nil {
		return Pos{}
	}
	return d.ix.keyPos(k)
}

func (d *Decoder) valInfo(k []string) valInfo {
	if d.ix == nil {
		return valInfo{}
	}
	return d.ix.valPos(k)
}

// Fail records an error about the value at p, located at its key, and
// marks the value as failed (see Failed). err is the underlying error, if
// any.
func (d *Decoder) Fail(p Path, err error, format string, args ...any) {
	d.failed[joinKey(p.Key)] = true
	d.e.add(d.KeyPos(p.Key), p.Disp, fmt.Sprintf(format, args...), err)
}

// Add records an error at pos about the key shown as path (which may be
// empty). An error already recorded with the same text is dropped.
func (d *Decoder) Add(pos Pos, path, msg string, err error) {
	d.e.add(pos, path, msg, err)
}

// Failed reports whether the value at index key k, or an ancestor, failed
// to decode.
func (d *Decoder) Failed(k []string) bool {
	for n := len(k); n > 0; n-- {
		if d.failed[joinKey(k[:n])] {
			return true
		}
	}
	return false
}

// Len returns how many errors the decoder holds.
func (d *Decoder) Len() int { return len(d.e.list) }

// Err returns the errors, sorted by position, as an ErrorList, or nil.
func (d *Decoder) Err() error { return d.e.result() }

// table decodes a TOML table into one struct, or several whose keys share
// the table.
func (d *Decoder) table(raw map[string]any, targets []reflect.Value, p Path) {
	schemas := make([]*schema, len(targets))
	var valid []string
	for i, t := range targets {
		schemas[i] = schemaOf(t.Type())
		for _, k := range schemas[i].keys {
			if !slices.Contains(valid, k) {
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
		fp := p.Field(k)
		switch len(fields) {
		case 0:
			if d.e.full() {
				d.e.drop(d.KeyPos(fp.Key)) // spare the suggestion
				continue
			}
			where := "here"
			if p.Disp != "" {
				where = "in " + p.Disp
			}
			d.Fail(fp, nil, "unknown key%s", DidYouMean(k, valid, "keys "+where))
		case 1:
			d.value(v, fields[0], fp)
		default:
			m, ok := v.(map[string]any)
			if !ok {
				d.Fail(fp, nil, "must be a table, got %s", Describe(v))
				continue
			}
			d.table(m, fields, fp)
		}
	}
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
func (d *Decoder) value(raw any, v reflect.Value, p Path) {
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
	case t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(dataFileType):
		d.dataFile(raw, v, p)
		return
	case t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && reflect.PointerTo(t).Implements(textType):
		s, ok := raw.(string)
		if !ok {
			d.Fail(p, nil, "must be a string, got %s", Describe(raw))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			d.Fail(p, err, "%v", err)
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		n := reflect.New(t.Elem())
		before := d.Len()
		d.value(raw, n.Elem(), p)
		if d.Len() == before {
			v.Set(n)
		}
	case reflect.Interface:
		if t.NumMethod() != 0 {
			d.Fail(p, nil, "cannot be set from a scenario file")
			return
		}
		v.Set(reflect.ValueOf(raw))
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			d.Fail(p, nil, "must be a table, got %s", Describe(raw))
			return
		}
		d.table(m, []reflect.Value{v}, p)
	case reflect.Slice:
		items, ok := asArray(raw)
		if !ok {
			d.Fail(p, nil, "must be an array, got %s", Describe(raw))
			return
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			name, _ := nameOf(it)
			d.value(it, s.Index(i), p.Elem(i, name))
		}
		v.Set(s)
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			d.Fail(p, nil, "must be a table, got %s", Describe(raw))
			return
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for _, k := range sortedKeys(m) {
			ev := reflect.New(t.Elem()).Elem()
			d.value(m[k], ev, p.Field(k))
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		v.Set(out)
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			d.Fail(p, nil, "must be a string, got %s", Describe(raw))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			d.Fail(p, nil, "must be true or false, got %s", Describe(raw))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := raw.(int64)
		if !ok {
			d.Fail(p, nil, "must be an integer, got %s", Describe(raw))
			return
		}
		if v.OverflowInt(n) {
			d.Fail(p, nil, "%d is out of range for this key", n)
			return
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := raw.(int64)
		if !ok {
			d.Fail(p, nil, "must be an integer >= 0, got %s", Describe(raw))
			return
		}
		if n < 0 || v.OverflowUint(uint64(n)) {
			d.Fail(p, nil, "must be an integer >= 0 in range, got %d", n)
			return
		}
		v.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		x, ok := Number(raw)
		if !ok {
			d.Fail(p, nil, "must be a number, got %s", Describe(raw))
			return
		}
		v.SetFloat(x)
	default:
		d.Fail(p, nil, "has a type (%v) the scenario format cannot set", t)
	}
}

func (d *Decoder) duration(raw any, v reflect.Value, p Path) {
	switch x := raw.(type) {
	case string:
		dur, err := time.ParseDuration(strings.TrimSpace(x))
		if why := sim.DurationProblem(x); err != nil && why != "" {
			d.Fail(p, err, "%s", why)
			return
		}
		if err != nil {
			d.Fail(p, err, "must be a duration such as \"250ms\", \"1.5s\" or \"2m\" (units ns, us, ms, s, m, h), got %q", x)
			return
		}
		v.SetInt(int64(dur))
	case int64, float64:
		if x == int64(0) || x == 0.0 {
			v.SetInt(0)
			return
		}
		d.Fail(p, nil, "must be a duration string with a unit, such as \"%vs\" or \"%vms\"; a bare number has no unit", x, x)
	default:
		d.Fail(p, nil, "must be a duration string such as \"250ms\", got %s", Describe(raw))
	}
}

func (d *Decoder) dist(raw any, v reflect.Value, p Path) {
	s, ok := raw.(string)
	if !ok {
		if _, num := raw.(int64); num {
			d.Fail(p, nil, "must be a distribution string such as \"20ms\" or \"exp(20ms)\"; a bare number has no unit")
		} else {
			d.Fail(p, nil, "must be a distribution string such as \"20ms\" or \"exp(20ms)\", got %s", Describe(raw))
		}
		return
	}
	dist, err := sim.ParseDistWith(s, d.open)
	if err != nil {
		d.failed[joinKey(p.Key)] = true
		msg := err.Error()
		pos := d.KeyPos(p.Key)
		var de *sim.DistError
		if errors.As(err, &de) {
			msg = fmt.Sprintf("invalid distribution %q: %s", s, de.Msg)
			if vi := d.valInfo(p.Key); vi.pos.Line > 0 && !strings.Contains(s, "\n") {
				pos = Pos{vi.pos.Line, vi.pos.Col + vi.open + de.Col - 1}
			}
		}
		d.e.add(pos, p.Disp, msg, err)
		return
	}
	v.Set(reflect.ValueOf(&dist).Elem())
}

// dataFile loads the data file a string value names into v; "" leaves v
// zero (no file).
func (d *Decoder) dataFile(raw any, v reflect.Value, p Path) {
	s, ok := raw.(string)
	if !ok {
		d.Fail(p, nil, "must be the name of a data file, relative to the scenario file, got %s", Describe(raw))
		return
	}
	if strings.TrimSpace(s) == "" {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	n := reflect.New(v.Type())
	err := n.Interface().(DataFile).LoadData(d.open, s)
	v.Set(n.Elem()) // on error, what LoadData kept (the name), so that checks know a file was named
	if err != nil {
		d.failed[joinKey(p.Key)] = true
		pos := d.KeyPos(p.Key)
		if vi := d.valInfo(p.Key); vi.pos.Line > 0 {
			pos = vi.pos
		}
		d.e.add(pos, p.Disp, err.Error(), err)
	}
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

// Describe names a raw TOML value for an error message ("the integer 3",
// "a table").
func Describe(raw any) string {
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
