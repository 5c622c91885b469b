package strategies

import "fmt"

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
