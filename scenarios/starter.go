package scenarios

import (
	"fmt"
	"strings"
	"time"
)

// MaxStarterTiers is the most tiers `stampede new` writes: past five, a
// chain of services is better copied by hand from the starter.
const MaxStarterTiers = 5

// StarterOptions says what a starter scenario holds (`stampede new`).
type StarterOptions struct {
	// Title is the scenario's title. Empty means "My system".
	Title string
	// Tiers is the number of services in the chain the users call, in
	// [1, MaxStarterTiers]. Zero means 1.
	Tiers int
	// Cache puts a look-aside cache in front of the bottom tier.
	Cache bool
	// Retries makes every caller (the users and each tier) retry 3 times
	// with exponential backoff and full jitter.
	Retries bool
	// Breaker puts a circuit breaker on the calls into the bottom tier.
	Breaker bool
	// Outage takes the bottom tier down for 30 s, a minute in.
	Outage bool
	// Command is the command line that wrote the file, for its header.
	Command string
}

// tierNames names the services of a chain of n tiers, top to bottom.
var tierNames = [MaxStarterTiers][]string{
	{"api"},
	{"api", "db"},
	{"web", "api", "db"},
	{"gateway", "web", "api", "db"},
	{"gateway", "web", "api", "backend", "db"},
}

// starterRetry is the retry table every caller of a starter gets with
// Retries.
const starterRetry = `{ attempts = 3, backoff = "exponential", base = "20ms", max = "1s", jitter = "full" }`

// Starter writes a commented starter scenario: a client calling a chain
// of services, and what o adds. The file loads, validates and runs as it
// is; its comments say what each key means and what to change first.
func Starter(o StarterOptions) ([]byte, error) {
	if o.Tiers == 0 {
		o.Tiers = 1
	}
	if o.Tiers < 1 || o.Tiers > MaxStarterTiers {
		return nil, fmt.Errorf("--tiers %d: must be in [1, %d]", o.Tiers, MaxStarterTiers)
	}
	if o.Title == "" {
		o.Title = "My system"
	}
	if strings.ContainsAny(o.Title, "\"\\\n") {
		return nil, fmt.Errorf("--title %q: must not hold a quote, a backslash or a newline", o.Title)
	}
	names := tierNames[o.Tiers-1]
	bottom := names[len(names)-1]
	cache := bottom + "-cache"
	// target is what the tier above the bottom (or the users) calls.
	target := func(i int) string {
		if i == len(names)-1 && o.Cache {
			return cache
		}
		return names[i]
	}

	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if o.Command != "" {
		p("# Written by `%s`.", o.Command)
	}
	p("# Run it with `stampede run FILE`; check it with `stampede validate FILE`.")
	p("# Every key, its unit, default and valid values: docs/SCENARIOS.md.")
	p("")
	p("title = %q", o.Title)
	p(`about = """`)
	p("%s", starterAbout(o, names))
	p(`"""`)
	p(`duration = "3m"   # virtual time one run covers`)
	p(`interval = "1s"   # width of one bucket of the per-second series`)
	p(`seed = 1          # the same seed gives the same results, byte for byte`)
	p("")
	p("# The services, top to bottom. Each has `workers` (requests in service at")
	p("# once) and a queue; a worker spends `service_time` on a request, then")
	p("# makes its downstream `calls` one after the other, then answers.")
	if o.Retries {
		p("#")
		p("# retry (every caller): up to 3 attempts in all, waiting a random time")
		p("# under 20ms x 2^n before the n-th retry (exponential backoff, full")
		p("# jitter). A failed call below a tier reaches its caller as `error`,")
		p("# which is retried too: the attempts multiply layer by layer.")
	}
	if o.Breaker {
		p("#")
		p("# breaker (on the calls into %s): opens when half the attempts of the", bottom)
		p("# last 10 s failed (at least 20 of them), then fails every attempt at")
		p("# once with `breaker_open` for open_for, 5 s (the default is 60 s), and")
		p("# lets 10 probes through to decide whether to close.")
	}
	for i, name := range names {
		p("")
		p("[[services]]")
		p("name = %q", name)
		if i == len(names)-1 {
			p("workers = 16                # the bottom tier does the real work")
			p("queue = { limit = 100 }     # requests that may wait; more are answered queue_full")
			p(`service_time = "exp(10ms)"  # exponential, mean 10 ms: 16 workers serve ~1600/s`)
			continue
		}
		p("workers = 64                # a worker waits while its calls run: keep room")
		p("queue = { limit = 200 }")
		p(`service_time = "exp(2ms)"`)
		timeout := starterTimeout(i + 1)
		p("calls = [")
		call := fmt.Sprintf("  { target = %q, timeout = %q", target(i+1), timeout)
		if o.Retries {
			call += ",\n    retry = " + starterRetry
		}
		if o.Breaker && i+1 == len(names)-1 && !o.Cache {
			call += ",\n    breaker = " + starterBreaker
		}
		p("%s },", call)
		p("]")
	}
	if o.Cache {
		p("")
		p("# A look-aside cache in front of %s: a hit answers in hit_latency, a miss", bottom)
		p("# calls %s and stores the key. Popularity is Zipf over `keys` keys.", bottom)
		p("[[caches]]")
		p("name = %q", cache)
		p("backend = %q", bottom)
		p("keys = 10000")
		p("zipf = 1.0                  # key k is drawn with probability ~ 1/k")
		p("capacity = 2000             # keys held, least recently used evicted")
		p(`ttl = "30s"                 # how long a stored key stays fresh`)
		p(`hit_latency = "500us"`)
		p(`timeout = %q`, starterTimeout(len(names)))
		if o.Retries {
			p("retry = %s", starterRetry)
		}
		if o.Breaker {
			p("breaker = %s", starterBreaker)
		}
	}
	p("")
	p("# Where the load comes from: an open client sends `rate` calls/s (Poisson)")
	p("# whatever happens to the earlier ones, as users on the internet do.")
	p("[[clients]]")
	p(`name = "users"`)
	p("target = %q", target(0))
	p("rate = 400                  # calls/s")
	p("%-28s# per attempt; the server keeps working on what the client gave up", fmt.Sprintf("timeout = %q", starterTimeout(0)))
	if o.Retries {
		p("retry = %s", starterRetry)
	}
	if o.Breaker && len(names) == 1 && !o.Cache {
		p("breaker = %s", starterBreaker)
	}
	if o.Outage {
		p("")
		p("# The trigger: %s is down for 30 s, a minute in. fail_fast answers every", bottom)
		p("# request at once with `outage`; black_hole never answers (callers time out).")
		p("[[faults]]")
		p(`kind = "outage"`)
		p("target = %q", bottom)
		p(`at = "60s"`)
		p(`for = "30s"`)
		p(`mode = "fail_fast"`)
	}
	starterVariants(&b, o, names)
	return []byte(b.String()), nil
}

// starterBreaker is the breaker a starter puts on the calls into its
// bottom tier. open_for is written out: the default is 60 s, a third of
// the run.
const starterBreaker = `{ window = "time", size = 10, min_calls = 20, failure_threshold = 50, open_for = "5s" }`

// starterTimeout is the per-attempt timeout of the caller at depth d (0:
// the users): 1 s at the top, halved at each tier below.
func starterTimeout(d int) string {
	return (time.Second >> d).String()
}

func starterAbout(o StarterOptions, names []string) string {
	var b strings.Builder
	b.WriteString("Users call " + names[0])
	for _, n := range names[1:] {
		b.WriteString(", which calls " + n)
	}
	if o.Cache {
		b.WriteString(" through a look-aside cache")
	}
	b.WriteString(".")
	var adds []string
	if o.Retries {
		adds = append(adds, "every caller retries up to 3 attempts")
	}
	if o.Breaker {
		adds = append(adds, "a circuit breaker guards the calls into "+names[len(names)-1])
	}
	if o.Outage {
		adds = append(adds, names[len(names)-1]+" is down from 1:00 to 1:30")
	}
	if len(adds) > 0 {
		b.WriteString(" " + strings.ToUpper(adds[0][:1]) + adds[0][1:])
		for i, a := range adds[1:] {
			if i == len(adds)-2 {
				b.WriteString(", and " + a)
			} else {
				b.WriteString(", " + a)
			}
		}
		b.WriteString(".")
	}
	b.WriteString("\nSay here what to look for in the results.")
	return wrap(b.String(), 72)
}

// starterVariants writes a variant that turns off each strategy the
// starter has, so that the first run already compares with and without.
func starterVariants(b *strings.Builder, o StarterOptions, names []string) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	if !o.Retries && !o.Breaker {
		p("")
		p("# Variants run beside the base, each with `set` applied, for example")
		p("#   [[variants]]")
		p("#   name = \"more-workers\"")
		p("#   set = { \"services.%s.workers\" = 32 }", names[len(names)-1])
		return
	}
	p("")
	p("# Variants run beside the base (the file as written), each with `set`")
	p("# applied; `enabled = false` turns off a strategy the base configures.")
	bottom := len(names) - 1
	if o.Retries {
		var sets []string
		sets = append(sets, `"clients.users.retry.enabled" = false`)
		for i := range bottom {
			sets = append(sets, fmt.Sprintf(`"services.%s.calls.0.retry.enabled" = false`, names[i]))
		}
		if o.Cache {
			sets = append(sets, fmt.Sprintf(`"caches.%s-cache.retry.enabled" = false`, names[bottom]))
		}
		p("[[variants]]")
		p(`name = "no-retries"`)
		p(`about = "one attempt per call at every layer"`)
		p("set = { %s }", strings.Join(sets, ", "))
	}
	if o.Breaker {
		path := fmt.Sprintf("services.%s.calls.0.breaker.enabled", names[max(bottom-1, 0)])
		switch {
		case o.Cache:
			path = fmt.Sprintf("caches.%s-cache.breaker.enabled", names[bottom])
		case bottom == 0:
			path = "clients.users.breaker.enabled"
		}
		p("")
		p("[[variants]]")
		p(`name = "no-breaker"`)
		p(`about = "the same, without the circuit breaker"`)
		p("set = { %q = false }", path)
	}
}

// wrap breaks s into lines of at most width characters at spaces,
// keeping its own line breaks.
func wrap(s string, width int) string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				out = append(out, line)
				line = w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
