package plots

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
)

// unmarshalSummary decodes a summary into v (a *results.Summary). A
// replicated run reports every number as a mean over its replications, so
// counts such as "calls" may be fractional there; they are rounded to the
// nearest integer where v's field is an integer, and left alone elsewhere.
func unmarshalSummary(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return err
	}
	tree = roundInts(tree, reflect.TypeOf(v).Elem())
	fixed, err := json.Marshal(tree)
	if err != nil {
		return err
	}
	return json.Unmarshal(fixed, v)
}

// roundInts walks a decoded JSON value beside the Go type it will be
// decoded into, rounding fractional numbers bound for integer fields.
func roundInts(x any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := x.(type) {
	case json.Number:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if f, err := v.Float64(); err == nil && f != math.Trunc(f) {
				return json.Number(formatInt(math.Round(f)))
			}
		}
		return v
	case map[string]any:
		switch t.Kind() {
		case reflect.Map:
			for k, e := range v {
				v[k] = roundInts(e, t.Elem())
			}
		case reflect.Struct:
			fields := jsonFields(t)
			for k, e := range v {
				if ft, ok := fields[k]; ok {
					v[k] = roundInts(e, ft)
				}
			}
		}
		return v
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, e := range v {
				v[i] = roundInts(e, t.Elem())
			}
		}
		return v
	}
	return x
}

// jsonFields maps the JSON names of t's fields (embedded structs
// flattened) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, ft := range jsonFields(f.Type) {
				m[k] = ft
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

func formatInt(f float64) string {
	b, _ := json.Marshal(int64(f))
	return string(b)
}
