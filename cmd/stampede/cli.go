package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/alecthomas/kong"
)

// Exit codes, the contract scripts and CI rely on.
const (
	exitOK       = 0 // success
	exitClaim    = 1 // a scenario's [[expect]] claim did not hold
	exitBadInput = 2 // bad input, bad usage, or a command not built yet
	// exitRegression is exitClaim's code for stampede diff and run
	// --baseline: a change flagged as a regression.
	exitRegression = 1
	// exitLint is exitClaim's code for stampede lint: a finding at or
	// above --fail-on.
	exitLint = 1
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise
// the module version recorded by the go command is used.
var version = ""

// cli is the command line, one field per subcommand. Each subcommand's
// struct lives in cmd_<name>.go with its Run method.
type cli struct {
	Tui        tuiCmd           `cmd:"" default:"withargs" help:"Explore a scenario live in the terminal (the default when no command is given)."`
	Run        runCmd           `cmd:"" help:"Run scenarios in batch and print a summary per variant."`
	Plot       plotCmd          `cmd:"" help:"Render charts (PNG, SVG, PDF) from a scenario or saved results."`
	List       listCmd          `cmd:"" help:"List the built-in scenarios."`
	Show       showCmd          `cmd:"" help:"Print a built-in scenario's TOML, to copy and edit."`
	New        newCmd           `cmd:"" help:"Write a commented starter scenario (--tiers N, --cache, --retries, --breaker, --outage)."`
	Validate   validateCmd      `cmd:"" help:"Check scenario files without running them."`
	Check      checkCmd         `cmd:"" help:"Run scenarios and verify their [[expect]] claims (exit 1 if one fails)."`
	Fit        fitCmd           `cmd:"" help:"Fit a scenario to telemetry: OTLP or Zipkin traces, Prometheus query_range answers."`
	Merge      mergeCmd         `cmd:"" help:"Combine the shard files of runs made with --shard into the result of the whole batch."`
	Lint       lintCmd          `cmd:"" help:"Check a scenario's policies before running it: retries multiplied along call paths, timeouts, budgets, backoff, deadlines, queues, breakers."`
	Margin     marginCmd        `cmd:"" help:"Find how big a trigger the system recovers from: bisection along a fault's size, at each of its durations."`
	Rare       rareCmd          `cmd:"" help:"Estimate the probability that a system tips on its own within a horizon, by multilevel splitting on a gauge."`
	Diff       diffCmd          `cmd:"" help:"Compare two results (summary.json or --out directories): old, new, change and its interval; exit 1 on a regression beyond the noise and the band."`
	Version    versionCmd       `cmd:"" help:"Print the version."`
	Help       helpCmd          `cmd:"" help:"Show the help of stampede or of a command (stampede help run)."`
	Completion completionCmd    `cmd:"" help:"Print the shell completion script for bash, zsh or fish."`
	VersionF   kong.VersionFlag `name:"version" help:"Print the version and exit."`
}

// env is what every command gets: where to write. Commands never touch
// os.Stdout or os.Stderr directly, so tests can run them in-process.
type env struct {
	stdout io.Writer
	stderr io.Writer
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput wraps err so that run exits with code 2.
func badInput(err error) error { return &exitError{code: exitBadInput, err: err} }

// kongExit is panicked by kong's exit hook (after --help, or a usage error)
// and recovered in run, so that run returns a code instead of exiting.
type kongExit int

// run is the whole program: parse args, run the command, map errors to exit
// codes. main only calls it.
func run(args []string, stdout, stderr io.Writer) (code int) {
	var c cli
	parser, err := newParser(&c, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "stampede: %v\n", err)
		return exitBadInput
	}
	defer func() {
		if r := recover(); r != nil {
			k, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = int(k)
			if code != exitOK {
				code = exitBadInput
			}
		}
	}()
	completing(parser)
	if err := mistypedCommand(parser, args); err != nil {
		fmt.Fprintf(stderr, "stampede: %v\n", err)
		return exitBadInput
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "stampede: %v\n", err)
		return exitBadInput
	}
	if err := ctx.Run(&env{stdout: stdout, stderr: stderr}); err != nil {
		fmt.Fprintf(stderr, "stampede: %v\n", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return exitBadInput
	}
	return exitOK
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// newParser is the command line's parser, writing to stdout and stderr;
// its exit hook panics with kongExit, which run recovers.
func newParser(c *cli, stdout, stderr io.Writer) (*kong.Kong, error) {
	return kong.New(c,
		kong.Name("stampede"),
		kong.Description("A deterministic, virtual-time simulator of clients, queues and servers under overload.\n\n"+
			"Replays retry storms, metastable failures, thundering herds and cascading overload under\n"+
			"resiliency strategies (timeouts, retries, budgets, breakers, shedding, rate limits, ...)."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(kongExit(c)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.UsageOnError(),
		kong.Vars{"version": versionString()},
	)
}
