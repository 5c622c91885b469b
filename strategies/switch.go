package strategies

// Switch is the `enabled` key every strategy table has. A strategy is on
// when its table is there (retry: when it makes 2 attempts or more),
// unless the table says enabled = false: then it is off, and the table's
// other keys are ignored. It is how a variant, --set or a sweep turns off
// a strategy the base scenario configures (`set = {
// "clients.users.breaker.enabled" = false }`): TOML has no null, and an
// empty table sets nothing. The zero Switch (the key left out) is on.
type Switch struct {
	// Enabled is false to turn the strategy off; nil (left out) and true
	// leave it on.
	Enabled *bool `toml:"enabled"`
}

// Off reports whether the table says enabled = false.
func (s Switch) Off() bool { return s.Enabled != nil && !*s.Enabled }
