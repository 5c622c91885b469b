package config

import "time"

// RecoveryConfig sets how the recovery verdict is judged (see Recovery).
type RecoveryConfig struct {
	// Tolerance is the fraction of baseline goodput that may be missing
	// for the system to count as recovered: recovered means goodput >=
	// baseline x (1 - Tolerance). Zero means DefaultTolerance (0.10).
	Tolerance float64 `toml:"tolerance"`
	// Hold is how long goodput must stay recovered: the mean goodput over
	// [t, t+Hold) must clear the threshold. Zero means 10 intervals.
	Hold time.Duration `toml:"hold"`
	// Warmup is skipped at the start of the run before the baseline is
	// measured (the baseline is the mean goodput over [Warmup, first
	// fault)). nil means a fifth of the time before the first fault; an
	// explicit 0 skips nothing.
	Warmup *time.Duration `toml:"warmup"`
	// Collapse is the fraction of offered load under which baseline
	// goodput counts as already collapsed before the first fault. Zero
	// means DefaultCollapse (0.5).
	Collapse float64 `toml:"collapse"`
}

// Recovery defaults.
const (
	DefaultTolerance     = 0.10
	DefaultHoldIntervals = 10
	DefaultCollapse      = 0.5
)
