package strategies

import (
	"errors"
	"fmt"
	"strings"
)

// ConfigError reports one invalid field of a strategy's Config. Strategy is
// the lowercase name of the strategy ("backoff", "circuit breaker"), Field
// the Config field's Go name, Valid the valid range in words, and Got the
// value given. Scenario loaders can map Field to their own key path.
type ConfigError struct {
	Strategy string
	Field    string
	Valid    string
	Got      any
}

// Error returns e.g. "backoff: Base must be > 0, got -1s".
func (e *ConfigError) Error() string {
	return fmt.Sprintf("%s: %s must be %s, got %v", e.Strategy, e.Field, e.Valid, e.Got)
}

func cfgErr(strategy, field, valid string, got any) error {
	return &ConfigError{Strategy: strategy, Field: field, Valid: valid, Got: got}
}

// FieldError is one invalid key of a strategy's scenario table (its Spec):
// Path is the key relative to the table ("open_for", "on[2]"; empty for
// the table as a whole) and Msg what is wrong with it. The scenario's
// validation prefixes Path with the table's place in the scenario
// ("clients.users.breaker").
type FieldError struct {
	Path string
	Msg  string
}

// Error returns e.g. "open_for: must be > 0, got -1s".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// AsFieldError turns a *ConfigError from a strategy's constructor into a
// *FieldError whose Path is the table key of the field (keys maps Go
// field names to keys; a field not in it is lowercased); other errors
// pass through.
func AsFieldError(err error, keys map[string]string) error {
	if err == nil {
		return nil
	}
	var ce *ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	key, ok := keys[ce.Field]
	if !ok {
		key = strings.ToLower(ce.Field)
	}
	return &FieldError{Path: key, Msg: fmt.Sprintf("must be %s, got %v", ce.Valid, ce.Got)}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// setInt sets *p to v if it is zero (a key left out).
func setInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

// clonePtr returns a copy of *p, nil for nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
