// Command testbed is a small real system to calibrate stampede against:
// three Go net/http services on loopback (frontend calls auth, then db, for
// every request), each with a bounded worker pool and a bounded FIFO queue
// and service times drawn from known distributions; an open-loop Poisson
// load generator with timeouts and immediate retries; a slowdown of db at a
// given moment. It is instrumented as an SRE's service would be: traces
// through the OpenTelemetry Go SDK, exported as OTLP JSON the way the
// Collector's file exporter writes them, and Prometheus metrics through
// client_golang (scraped, with -prom, by a real Prometheus server, whose
// query_range answers are saved).
//
//	testbed run -rate 100 -duration 60s -out DIR [-timeout 200ms -attempts 4] [-slow 30s+10s*4] [-prom]
//
// Every run listens on 127.0.0.1 only, is bounded in time and calls, and
// stops by itself. See docs/CALIBRATION.md.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage:
  testbed run [flags]        run the system under load, write its telemetry
  testbed validate [flags]   run, fit, simulate and compare (docs/CALIBRATION.md)
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(args[1:], stdout, stderr)
	case "validate":
		err = cmdValidate(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "testbed: %v\n", err)
		return 2
	}
	return 0
}

func loadFlags(fs *flag.FlagSet, c *config) *string {
	fs.Float64Var(&c.rate, "rate", 100, "calls/s (Poisson)")
	fs.DurationVar(&c.duration, "duration", time.Minute, "how long calls are issued")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Second, "per-attempt timeout")
	fs.IntVar(&c.attempts, "attempts", 1, "attempts per call (retries at once, no budget)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of arrivals and service times")
	return fs.String("slow", "", "slow db down: AT+FOR*FACTOR, e.g. 30s+10s*4")
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("testbed run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := config{stderr: stderr}
	slow := loadFlags(fs, &c)
	fs.StringVar(&c.out, "out", "testbed-out", "output directory")
	fs.BoolVar(&c.prom, "prom", false, "scrape with a Prometheus server (on PATH) and save query_range answers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if c.slow, err = parseSlow(*slow); err != nil {
		return err
	}
	res, err := runSystem(c)
	if err != nil {
		return err
	}
	ok := 0
	for _, o := range res.calls {
		if o.ok {
			ok++
		}
	}
	fmt.Fprintf(stdout, "%d calls, %d succeeded; %d spans in %s/traces.otlp.jsonl; calls in %s/calls.csv\n",
		len(res.calls), ok, res.spans, c.out, c.out)
	for _, f := range res.prom {
		fmt.Fprintf(stdout, "prometheus query_range answer: %s\n", f)
	}
	return nil
}

// parseSlow reads AT+FOR*FACTOR.
func parseSlow(s string) (*slowdown, error) {
	if s == "" {
		return nil, nil
	}
	bad := fmt.Errorf("-slow %q: want AT+FOR*FACTOR, e.g. 30s+10s*4", s)
	at, rest, ok1 := strings.Cut(s, "+")
	length, factor, ok2 := strings.Cut(rest, "*")
	if !ok1 || !ok2 {
		return nil, bad
	}
	var sl slowdown
	var err error
	if sl.at, err = time.ParseDuration(at); err != nil {
		return nil, bad
	}
	if sl.length, err = time.ParseDuration(length); err != nil {
		return nil, bad
	}
	if sl.factor, err = strconv.ParseFloat(factor, 64); err != nil {
		return nil, bad
	}
	return &sl, nil
}
