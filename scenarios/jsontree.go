package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// jv is a JSON value that keeps the order of object keys, so that
// summaries print in the order of the Go structs they come from, and that
// averaging replications can work on any summary shape without knowing
// its fields.
type jv struct {
	kind jkind
	b    bool
	n    float64
	s    string   // a string's value, or a number's exact text if set
	keys []string // object keys, in order
	vals []*jv    // object values (parallel to keys) or array elements
	// pairs are a jPairs's [upper bound, count] buckets.
	pairs [][2]float64
}

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNum
	jStr
	jObj
	jArr
	// jPairs is an array of [number, number] pairs held as the numbers
	// themselves (pairs), not a node per number: a latency histogram,
	// which has thousands of buckets, in a run's summary and a row's
	// aggregate. It encodes as the jArr of jArr of jNum it stands for;
	// parsing JSON gives that jArr.
	jPairs
)

// jPairsOf is the jPairs of ps (not copied); NaN, as in a number, encodes
// as null.
func jPairsOf(ps [][2]float64) *jv { return &jv{kind: jPairs, pairs: ps} }

func jNumber(x float64) *jv {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return &jv{kind: jNull}
	}
	return &jv{kind: jNum, n: x}
}
func jString(s string) *jv { return &jv{kind: jStr, s: s} }
func jObject() *jv         { return &jv{kind: jObj} }

// get returns the value at key k of an object, or nil.
func (v *jv) get(k string) *jv {
	if v == nil || v.kind != jObj {
		return nil
	}
	for i, key := range v.keys {
		if key == k {
			return v.vals[i]
		}
	}
	return nil
}

// set sets key k of an object, appending it if new.
func (v *jv) set(k string, x *jv) {
	for i, key := range v.keys {
		if key == k {
			v.vals[i] = x
			return
		}
	}
	v.keys = append(v.keys, k)
	v.vals = append(v.vals, x)
}

// find resolves a dotted path: at each level the longest run of parts
// that is a key (names may hold dots).
func (v *jv) find(parts []string) *jv {
	for len(parts) > 0 {
		if v == nil || v.kind != jObj {
			return nil
		}
		var next *jv
		took := 0
		for k := len(parts); k >= 1; k-- {
			if c := v.get(strings.Join(parts[:k], ".")); c != nil {
				next, took = c, k
				break
			}
		}
		if next == nil {
			return nil
		}
		v, parts = next, parts[took:]
	}
	return v
}

// appendJSONFloat formats x as encoding/json does (shortest form that
// parses back to x; exponent only for very large or small magnitudes).
// Most numbers a run writes are counts (whole numbers) or durations in
// seconds that are a whole number of nanoseconds (latency quantiles, the
// histograms' bounds); those it writes out itself (appendShort), the
// same text strconv's shortest form gives at a fraction of its cost,
// the others through strconv (appendFloatText).
func appendJSONFloat(b []byte, x float64) []byte {
	if t, ok := appendShort(b, x); ok {
		return t
	}
	return appendFloatText(b, x)
}

// The magnitudes up to which appendShort writes whole numbers and
// nanoseconds itself.
const (
	// wholeMax: below 2^53 every whole number is a float64, so the
	// shortest digits that parse back to a whole x are x's own digits
	// (those of any other number, one away at least, parse to another)
	wholeMax = 1 << 53
	// nanosMax: below 2^22 the float64s are 2^-31 apart at most, less
	// than a nanosecond, so the shortest digits that parse back to x =
	// k/1e9 (k nanoseconds, the division rounded as parsing k×10⁻⁹
	// rounds) are k's, the trailing zeros of its fraction dropped (any
	// shorter number is a nanosecond away at least, and parses to
	// another float64)
	nanosMax = 1 << 22
)

// appendShort appends x's text if x is a whole number of magnitude
// below wholeMax (but -0) or a whole number of nanoseconds (x = k/1e9)
// of magnitude in [1e-6, nanosMax), where strconv's 'f' form is taken
// (appendFloatText), and reports whether it did. TestAppendShort holds it
// to appendFloatText.
func appendShort(b []byte, x float64) ([]byte, bool) {
	a := math.Abs(x) // NaN and ±Inf fail both tests below
	if a < wholeMax && a == math.Trunc(a) {
		if x == 0 && math.Signbit(x) {
			return b, false // -0, written "-0"
		}
		return strconv.AppendInt(b, int64(x), 10), true
	}
	if !(a >= 1e-6 && a < nanosMax) {
		return b, false
	}
	k := math.Round(a * 1e9) // below 2^53: exact
	if k/1e9 != a {
		return b, false // not a whole number of nanoseconds
	}
	if x < 0 {
		b = append(b, '-')
	}
	n := uint64(k)
	b = strconv.AppendUint(b, n/1e9, 10)
	// the fraction, not 0 (a is not whole): nine digits, less the
	// trailing zeros
	f := n % 1e9
	var d [10]byte
	d[0] = '.'
	for i := 9; i >= 1; i-- {
		d[i] = byte('0' + f%10)
		f /= 10
	}
	end := 10
	for d[end-1] == '0' {
		end--
	}
	return append(b, d[:end]...), true
}

// appendFloatText is appendJSONFloat through strconv: the shortest
// digits, in the 'f' form but for magnitudes below 1e-6 or from 1e21,
// whose exponent form drops a leading zero of a negative exponent's two
// digits (encoding/json's "1e-7", not "1e-07").
func appendFloatText(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(x)
	f := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		f = 'e'
	}
	b = strconv.AppendFloat(b, x, f, -1, 64)
	if f == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// encode appends v as JSON; indent "" means compact.
func (v *jv) encode(b []byte, indent string, depth int) []byte {
	nl := func(d int) []byte {
		if indent == "" {
			return b
		}
		b = append(b, '\n')
		for range d {
			b = append(b, indent...)
		}
		return b
	}
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jBool:
		return strconv.AppendBool(b, v.b)
	case jNum:
		if v.s != "" {
			return append(b, v.s...) // exact integer text
		}
		return appendJSONFloat(b, v.n)
	case jStr:
		return appendJSONString(b, v.s)
	case jPairs:
		// as the jArr of pairs would: on one line
		if len(v.pairs) == 0 {
			return append(b, "[]"...)
		}
		sep := ","
		if indent != "" {
			sep = ", "
		}
		b = append(b, '[')
		for i, p := range v.pairs {
			if i > 0 {
				b = append(b, sep...)
			}
			b = append(b, '[')
			b = appendJSONFloat(b, p[0])
			b = append(b, sep...)
			b = appendJSONFloat(b, p[1])
			b = append(b, ']')
		}
		return append(b, ']')
	case jArr:
		if len(v.vals) == 0 {
			return append(b, "[]"...)
		}
		if v.numbers(1) {
			// A list of numbers (a sweep's values), or of tuples of
			// numbers (a latency histogram's [upper bound, count]
			// buckets), stays on one line: long data does not drown the
			// summary.
			b = append(b, '[')
			for i, x := range v.vals {
				if i > 0 {
					b = append(b, ',')
					if indent != "" {
						b = append(b, ' ')
					}
				}
				b = x.encode(b, indent, depth+1)
			}
			return append(b, ']')
		}
		b = append(b, '[')
		for i, x := range v.vals {
			if i > 0 {
				b = append(b, ',')
			}
			b = nl(depth + 1)
			b = x.encode(b, indent, depth+1)
		}
		b = nl(depth)
		return append(b, ']')
	}
	if len(v.keys) == 0 {
		return append(b, "{}"...)
	}
	b = append(b, '{')
	for i, k := range v.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = nl(depth + 1)
		b = appendJSONString(b, k)
		b = append(b, ':')
		if indent != "" {
			b = append(b, ' ')
		}
		b = v.vals[i].encode(b, indent, depth+1)
	}
	b = nl(depth)
	return append(b, '}')
}

// numbers reports whether v is an array whose elements are all numbers
// (or nulls: a replication's missing value), or (depth > 0) arrays of
// numbers, to that depth.
func (v *jv) numbers(depth int) bool {
	if v.kind == jPairs {
		return depth > 0
	}
	if v.kind != jArr {
		return false
	}
	for _, x := range v.vals {
		if x.kind != jNum && x.kind != jNull && (depth == 0 || !x.numbers(depth-1)) {
			return false
		}
	}
	return true
}

// MarshalJSON encodes v compactly.
func (v *jv) MarshalJSON() ([]byte, error) { return v.encode(nil, "", 0), nil }

// UnmarshalJSON decodes any JSON value, keeping object key order.
func (v *jv) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	x, err := parseJV(dec, 0)
	if err != nil {
		return err
	}
	*v = *x
	return nil
}

func parseJV(dec *json.Decoder, depth int) (*jv, error) {
	if depth > 100 {
		return nil, fmt.Errorf("json nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &jv{kind: jNull}, nil
	case bool:
		return &jv{kind: jBool, b: t}, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return nil, err
		}
		return &jv{kind: jNum, n: f}, nil
	case string:
		return jString(t), nil
	case json.Delim:
		switch t {
		case '{':
			o := jObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				x, err := parseJV(dec, depth+1)
				if err != nil {
					return nil, err
				}
				o.keys = append(o.keys, k)
				o.vals = append(o.vals, x)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := &jv{kind: jArr}
			for dec.More() {
				x, err := parseJV(dec, depth+1)
				if err != nil {
					return nil, err
				}
				a.vals = append(a.vals, x)
			}
			_, err := dec.Token()
			return a, err
		}
	}
	return nil, fmt.Errorf("unexpected json token %v", tok)
}
