package format

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Clone returns a deep copy of the exported state of *v (slices, pointers
// and maps copied; interfaces, such as distributions, which are immutable,
// shared), so that settings applied to the copy leave v alone.
func Clone[T any](v *T) *T {
	c := *v
	deepCopy(reflect.ValueOf(&c).Elem(), reflect.ValueOf(v).Elem())
	return &c
}

// deepCopy makes dst (settable, already a shallow copy of src) share no
// mutable storage with src.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		n := reflect.New(src.Type().Elem())
		n.Elem().Set(src.Elem())
		deepCopy(n.Elem(), src.Elem())
		dst.Set(n)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		reflect.Copy(n, src)
		for i := range src.Len() {
			deepCopy(n.Index(i), src.Index(i))
		}
		dst.Set(n)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			ev := reflect.New(src.Type().Elem()).Elem()
			ev.Set(it.Value())
			deepCopy(ev, it.Value())
			n.SetMapIndex(it.Key(), ev)
		}
		dst.Set(n)
	case reflect.Struct:
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Array:
		for i := range src.Len() {
			deepCopy(dst.Index(i), src.Index(i))
		}
	}
}

// Resolve finds the value a set path ("clients.users.timeout",
// "services.api.queue.limit", "faults.0.factor") addresses in the struct
// root points to, which it may modify: nil pointers on the way are
// allocated. It returns the value (settable) and the path as errors spell
// it ("services[api].queue.limit"). List entries are addressed by name
// (names may contain dots: the longest name that matches wins) or by
// index; top-level keys tagged "noset" cannot be addressed.
func Resolve(root any, spath string) (reflect.Value, string, error) {
	return resolve(root, spath, true)
}

// Lookup finds the value at a set path as Resolve does, but changes
// nothing: a path that crosses a nil pointer is not found. It reports
// whether the path addresses a value; the value is settable.
func Lookup(root any, spath string) (reflect.Value, bool) {
	v, _, err := resolve(root, spath, false)
	return v, err == nil
}

var errNil = errors.New("crosses a table that is not set")

func resolve(root any, spath string, alloc bool) (reflect.Value, string, error) {
	if spath == "" {
		return reflect.Value{}, "", fmt.Errorf("empty path")
	}
	parts := strings.Split(spath, ".")
	targets := []reflect.Value{reflect.ValueOf(root).Elem()}
	disp := ""
	top := true
	for i := 0; i < len(parts); {
		v := targets[0]
		if len(targets) > 1 || v.Kind() == reflect.Struct {
			k := parts[i]
			var fields []reflect.Value
			var valid []string
			noset := false
			for _, t := range targets {
				sc := schemaOf(t.Type())
				for _, key := range sc.keys {
					f := sc.by[key][0]
					if top && f.noset {
						if key == k {
							noset = true
						}
						continue
					}
					if !slices.Contains(valid, key) {
						valid = append(valid, key)
					}
				}
				for _, f := range sc.by[k] {
					fields = append(fields, t.FieldByIndex(f.index))
				}
			}
			if noset {
				return reflect.Value{}, disp, fmt.Errorf("%q describes the run, not the world: variants and sweeps cannot set it", k)
			}
			if len(fields) == 0 {
				where := "at the top level"
				if disp != "" {
					where = "in " + disp
				}
				return reflect.Value{}, disp, fmt.Errorf("no key %q %s%s", k, where, DidYouMean(k, valid, "keys"))
			}
			if disp == "" {
				disp = QuoteKey(k)
			} else {
				disp += "." + QuoteKey(k)
			}
			targets = fields
			top = false
			i++
			continue
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				if !alloc {
					return reflect.Value{}, disp, errNil
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			targets = []reflect.Value{v.Elem()}
		case reflect.Slice:
			idx, sel, n, err := element(v, parts[i:], disp)
			if err != nil {
				return reflect.Value{}, disp, err
			}
			disp += "[" + sel + "]"
			targets = []reflect.Value{v.Index(idx)}
			i += n
		case reflect.Interface:
			return reflect.Value{}, disp, fmt.Errorf("%s is a single value: it has no key %q", disp, parts[i])
		default:
			return reflect.Value{}, disp, fmt.Errorf("%s is a single value: it has no key %q", disp, parts[i])
		}
	}
	if len(targets) > 1 {
		return reflect.Value{}, disp, fmt.Errorf("%s is a table: set its keys", disp)
	}
	return targets[0], disp, nil
}

// element picks the entry of list v named by the longest prefix of parts
// that is an entry's name (names may contain dots), or by index. It
// returns the index, how errors name it, and how many parts it took.
func element(v reflect.Value, parts []string, disp string) (int, string, int, error) {
	et := v.Type().Elem()
	nameField := -1
	if et.Kind() == reflect.Struct {
		if fs := schemaOf(et).by["name"]; len(fs) == 1 && fs[0].typ.Kind() == reflect.String {
			nameField = fs[0].index[0]
			if len(fs[0].index) != 1 {
				nameField = -1
			}
		}
	}
	var names []string
	if nameField >= 0 {
		for i := range v.Len() {
			names = append(names, v.Index(i).Field(nameField).String())
		}
		for n := len(parts); n >= 1; n-- {
			want := strings.Join(parts[:n], ".")
			for i, name := range names {
				if name == want {
					return i, name, n, nil
				}
			}
		}
	}
	if i, err := strconv.Atoi(parts[0]); err == nil && parts[0] == strconv.Itoa(i) {
		if i >= 0 && i < v.Len() {
			sel := strconv.Itoa(i)
			if nameField >= 0 && ValidName(names[i]) {
				sel = names[i]
			}
			return i, sel, 1, nil
		}
		if v.Len() == 0 {
			return 0, "", 0, fmt.Errorf("%s has no entries", disp)
		}
		return 0, "", 0, fmt.Errorf("%s has %s: index %d is out of range [0, %d]", disp, plural(v.Len(), "entry", "entries"), i, v.Len()-1)
	}
	if nameField >= 0 {
		if len(names) == 0 {
			return 0, "", 0, fmt.Errorf("%s has no entries, so none named %q", disp, parts[0])
		}
		return 0, "", 0, fmt.Errorf("%s has no entry named %q%s", disp, parts[0], DidYouMean(parts[0], names, "names"))
	}
	return 0, "", 0, fmt.Errorf("%s entries are addressed by index (0 to %d), got %q", disp, v.Len()-1, parts[0])
}

// Set applies one setting to the struct root points to, decoding its value
// like the same key in a file; errors are reported at p. It reports
// whether the setting took.
func (d *Decoder) Set(root any, st Setting, p Path) bool {
	before := d.Len()
	v, _, err := Resolve(root, st.Path)
	if err != nil {
		d.Fail(p, err, "%v", err)
		return false
	}
	d.value(st.Value, v, p)
	return d.Len() == before
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
