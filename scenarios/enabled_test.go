package scenarios

import (
	"strings"
	"testing"
)

const enabledBase = `
duration = "40s"
seed = 1

[[services]]
name = "api"
workers = 4
service_time = "exp(20ms)"
shed = { queue_length = 50 }

[[clients]]
name = "users"
target = "api"
rate = 100
timeout = "100ms"
retry = { attempts = 3, base = "10ms" }
breaker = { size = 20, min_calls = 10, open_for = "5s" }

[[faults]]
kind = "outage"
target = "api"
at = "10s"
for = "10s"

[[variants]]
name = "no-breaker"
set = { "clients.users.breaker.enabled" = false }

[[variants]]
name = "no-retry"
set = { "clients.users.retry.enabled" = false }

[[variants]]
name = "no-shed"
set = { "services.api.shed.enabled" = false }

[[variants]]
name = "still-on"
set = { "clients.users.breaker.enabled" = true }

[[variants]]
name = "merged"
set = { "clients.users.retry" = { attempts = 2 } }
`

// TestEnabledFalse: enabled = false in a variant turns off the strategy
// the base configures (its metrics go), true leaves it on, and a table set
// in a variant merges into the base's.
func TestEnabledFalse(t *testing.T) {
	s := mustLoad(t, "enabled.toml", enabledBase)
	r, err := Run(s, Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	has := func(variant, metric string) bool {
		t.Helper()
		for i := range r.Rows {
			if r.Rows[i].Variant == variant {
				_, ok := r.Rows[i].Value(metric)
				return ok
			}
		}
		t.Fatalf("no variant %s", variant)
		return false
	}
	for _, c := range []struct {
		variant, metric string
		want            bool
	}{
		{"base", "clients.users.strategy.breaker_opened", true},
		{"base", "clients.users.strategy.retries", true},
		{"base", "services.api.strategy.shed", true},
		{"no-breaker", "clients.users.strategy.breaker_opened", false},
		{"no-breaker", "clients.users.strategy.retries", true},
		{"no-retry", "clients.users.strategy.retries", false},
		{"no-retry", "clients.users.strategy.breaker_opened", true},
		{"no-shed", "services.api.strategy.shed", false},
		{"still-on", "clients.users.strategy.breaker_opened", true},
	} {
		if got := has(c.variant, c.metric); got != c.want {
			t.Errorf("%s: %s present = %v, want %v", c.variant, c.metric, got, c.want)
		}
	}
	// merged keeps the base's retry.base of 10ms: its retries are the
	// base's first retries, so it retries (2 attempts) at all.
	if !has("merged", "clients.users.strategy.retries") {
		t.Errorf("merged: no retries: the variant's retry table replaced the base's instead of merging")
	}
}

// TestEnabledFromSet: --set reaches enabled, and a value that is not a
// bool is a located error.
func TestEnabledFromSet(t *testing.T) {
	s := mustLoad(t, "enabled.toml", enabledBase)
	r, err := Run(s, Options{Parallel: 1, Variants: []string{"base"}, Set: []string{"clients.users.breaker.enabled=false"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Rows[0].Value("clients.users.strategy.breaker_opened"); ok {
		t.Errorf("--set clients.users.breaker.enabled=false left the breaker on")
	}
	bad := strings.Replace(enabledBase, `"clients.users.breaker.enabled" = false`, `"clients.users.breaker.enabled" = "no"`, 1)
	_, err = Load("enabled.toml", []byte(bad))
	want := `enabled.toml:27:9: variants[no-breaker].set."clients.users.breaker.enabled": must be true or false, got the string "no"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %s", err, want)
	}
	bad = strings.Replace(enabledBase, `shed = { queue_length = 50 }`, `shed = { queue_length = 50, enabled = 0 }`, 1)
	if _, err = Load("enabled.toml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "services[api].shed.enabled") {
		t.Errorf("enabled = 0: got %v, want an error at services[api].shed.enabled", err)
	}
}
