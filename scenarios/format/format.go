// Package format is the scenario file format, both ways, and nothing
// else:
//
//   - Decode reads TOML strictly into the schema's structs: unknown keys,
//     wrong types, bad durations and distributions are errors, every one
//     located at file:line:col (an index of key positions built by
//     re-scanning the source), named by its key path
//     ("services[api].queue.limit") and with "did you mean" for typos
//     (Error, ErrorList, Suggest, DidYouMean). The caller's own checks
//     report through the same Decoder.
//   - Encoder writes the structs back as TOML that decodes to the same
//     values (what the TUI saves).
//   - Resolve, Lookup and Decoder.Set are the a.b.c set paths that
//     variants, sweeps, --set and the TUI's knobs address keys with
//     ("clients.users.timeout", "faults.0.factor"); Clone copies a
//     struct deeply so that settings leave the original alone.
//   - Number, Duration, Label, Equal and Kind read the raw values of keys
//     of more than one kind (sweep values, claims' equals), the one
//     coercion of the module.
//
// It knows no schema: it works by reflection over the `toml` tags of the
// structs it is given (a tag option "noset" marks a top-level key that
// set paths cannot address), so a field added to the schema is a key of
// the format at once. It is the one place of the module that reflects
// over the schema.
package format

import (
	"errors"
	"reflect"

	"github.com/BurntSushi/toml"

	"github.com/stampede-sim/stampede/sim"
)

// Decode parses src, a TOML document that errors name file, and decodes
// it strictly into the struct v points to (after checking it against
// MaxInput and MaxDepth): unknown keys, values of the
// wrong type and invalid durations or distributions are errors, each
// located in src. A document that is not valid TOML returns a nil Decoder
// and its one error, an ErrorList. Otherwise the Decoder holds the errors
// found so far (none is returned: the caller adds its own checks and then
// calls Err).
func Decode(file string, src []byte, v any) (*Decoder, error) {
	return DecodeWith(file, src, v, nil)
}

// DecodeWith is Decode with an Opener for the data files values name
// (see Decoder.WithOpener).
func DecodeWith(file string, src []byte, v any, open sim.Opener) (*Decoder, error) {
	if err := checkSize(file, src); err != nil {
		return nil, err
	}
	var raw map[string]any
	if _, err := toml.Decode(string(src), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, ErrorList{{File: file, Pos: Pos{pe.Position.Line, max(pe.Position.Col, 1)},
				Msg: "invalid TOML: " + pe.Message, Err: err}}
		}
		return nil, ErrorList{{File: file, Msg: "invalid TOML: " + err.Error(), Err: err}}
	}
	d := NewDecoder(file).WithOpener(open)
	d.ix = indexPositions(src)
	d.raw = raw
	d.table(raw, []reflect.Value{reflect.ValueOf(v).Elem()}, Path{})
	return d, nil
}
