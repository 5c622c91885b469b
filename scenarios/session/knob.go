package session

import (
	"reflect"
	"strings"

	"github.com/stampede-sim/stampede/models/config"
)

// retryAttemptsPath is where a client's retry attempts live in the
// scenario format (retry = { attempts = 3, ... }): the a/A knob sets it.
const retryAttemptsPath = "retry.attempts"

// RetryAttempts returns a client's retry attempts (retry.attempts; zero
// means the default, one attempt), if its configuration has the key.
func RetryAttempts(c *config.ClientConfig) (int64, bool) { return intAt(c, retryAttemptsPath) }

// tomlPath finds the field at a dotted path of toml keys in the struct v
// points to (embedded structs without a tag are searched too). It returns
// the field, settable, or false when the path does not exist or crosses a
// nil pointer.
func tomlPath(v reflect.Value, path string) (reflect.Value, bool) {
	for _, k := range strings.Split(path, ".") {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		f, ok := tomlField(v, k)
		if !ok {
			return reflect.Value{}, false
		}
		v = f
	}
	return v, v.CanSet()
}

func tomlField(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			if fv, ok := tomlField(v.Field(i), key); ok {
				return fv, true
			}
			continue
		}
		if name == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// intAt reads an integer field at path, if there is one.
func intAt(p any, path string) (int64, bool) {
	f, ok := tomlPath(reflect.ValueOf(p), path)
	if !ok || !f.CanInt() {
		return 0, false
	}
	return f.Int(), true
}

// setIntAt sets an integer field at path; it reports whether there is one.
func setIntAt(p any, path string, x int64) bool {
	f, ok := tomlPath(reflect.ValueOf(p), path)
	if !ok || !f.CanInt() {
		return false
	}
	f.SetInt(x)
	return true
}
