package format

import (
	"reflect"
	"sort"
)

// Settings are overrides in file order: a TOML table of "dotted.path" =
// value, nested tables flattened into dotted paths. A field of type
// Settings decodes this way (a variant's set).
type Settings []Setting

// Setting is one override. Path addresses a key of the schema: table keys
// by name, list entries by their name where they have one
// ("clients.users.timeout", "services.api.queue.limit") or by index
// ("faults.0.factor"); see Resolve. Value is the TOML value, decoded like
// the key's own.
type Setting struct {
	Path  string
	Value any

	key []string // index key of the value in the file, for positions
}

// In returns the path of the setting's value in the file, shown as disp:
// its index key is the value's own when it was decoded from a file, none
// otherwise.
func (st Setting) In(disp string) Path { return Path{Key: st.key, Disp: disp} }

// settings decodes a variant's set table: nested tables are flattened to
// dotted paths ({ clients.users.timeout = "1s" } and
// { "clients.users.timeout" = "1s" } are the same), in file order.
func (d *Decoder) settings(raw any, v reflect.Value, p Path) {
	m, ok := raw.(map[string]any)
	if !ok {
		d.Fail(p, nil, "must be a table of \"dotted.path\" = value, got %s", Describe(raw))
		return
	}
	var out Settings
	var walk func(m map[string]any, prefix string, key []string)
	walk = func(m map[string]any, prefix string, key []string) {
		if len(m) == 0 && prefix != "" {
			d.Fail(Path{Key: key, Disp: p.Disp + "." + QuoteKey(prefix)}, nil, "an empty table sets nothing; set its keys, e.g. \"%s.key\" = value", prefix)
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
	walk(m, "", p.Key)
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
