package format

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// Raw values are what a key of more than one kind holds as the file gives
// it: a sweep's values and range ends, a claim's equals, x and y, a
// variant's settings before they are decoded. They are the TOML library's
// scalars: int64, float64, string, bool (and int, from Go callers). The
// functions below are the one way the module reads them as numbers,
// durations and labels, and compares them, so that the decoder, sweeps,
// claims and their outputs agree.

// Number returns raw as a number, if it is one: an integer or a float.
// Strings, durations included, are not numbers.
func Number(raw any) (float64, bool) {
	switch x := raw.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// Duration returns raw as a duration, if it is a duration string such as
// "250ms" or "1m30s".
func Duration(raw any) (time.Duration, bool) {
	s, ok := raw.(string)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// Label spells raw for tables, CSV headers and reports: strings as they
// are, numbers in their shortest form ("100", "0.5"), booleans as true or
// false.
func Label(raw any) string {
	switch x := raw.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(raw)
}

// Equal reports whether two raw values are the same value as claims
// compare them: numbers by value (100 and 100.0 are equal), duration
// strings by duration ("1s" and "1000ms" are equal), other strings and
// booleans as they are.
func Equal(a, b any) bool {
	fa, okA := Number(a)
	fb, okB := Number(b)
	if okA && okB {
		return fa == fb
	}
	sa, okA := a.(string)
	sb, okB := b.(string)
	if okA && okB {
		da, okA := Duration(sa)
		db, okB := Duration(sb)
		if okA && okB {
			return da == db
		}
		return sa == sb
	}
	ba, okA := a.(bool)
	bb, okB := b.(bool)
	return okA && okB && ba == bb
}

// Kind is the kind of number a key takes, as a sweep's range of values
// over it needs to know.
type Kind int

const (
	// KindOther is any key a range cannot sweep: strings, booleans,
	// tables, lists, distributions.
	KindOther Kind = iota
	// KindInt is an integer key: its raw values are int64.
	KindInt
	// KindFloat is a floating-point key: its raw values are float64.
	KindFloat
	// KindDuration is a duration key: its raw values are duration
	// strings, read as nanoseconds.
	KindDuration
)

// KindAt returns the kind of the key at a set path of the struct root
// points to, without changing it; the error is Resolve's.
func KindAt(root any, path string) (Kind, error) {
	c := reflect.New(reflect.TypeOf(root).Elem())
	c.Elem().Set(reflect.ValueOf(root).Elem())
	deepCopy(c.Elem(), reflect.ValueOf(root).Elem())
	v, _, err := Resolve(c.Interface(), path)
	if err != nil {
		return KindOther, err
	}
	t := v.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		return KindDuration, nil
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return KindFloat, nil
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return KindInt, nil
	}
	return KindOther, nil
}

// Raw returns x as a raw value of kind k: a duration string of x
// nanoseconds, a float, or an integer, rounded to the nearest.
func (k Kind) Raw(x float64) any {
	switch k {
	case KindDuration:
		return time.Duration(math.Round(x)).String()
	case KindFloat:
		return x
	}
	return int64(math.Round(x))
}
