package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/stampede-sim/stampede/scenarios"
)

type newCmd struct {
	Tiers   int    `default:"1" placeholder:"N" help:"Services in the chain the users call, top to bottom (1 to 5)."`
	Cache   bool   `help:"A look-aside cache in front of the bottom tier."`
	Retries bool   `help:"Every caller (the users and each tier) retries, 3 attempts with exponential backoff and jitter."`
	Breaker bool   `help:"A circuit breaker on the calls into the bottom tier."`
	Outage  bool   `help:"The bottom tier is down for 30s, a minute in."`
	Title   string `placeholder:"TEXT" help:"The scenario's title (default \"My system\")."`
	Out     string `short:"o" placeholder:"FILE" help:"Write the scenario to FILE instead of standard output."`
	Force   bool   `help:"Replace FILE if it exists."`
}

func (c *newCmd) Run(e *env) error {
	src, err := scenarios.Starter(scenarios.StarterOptions{
		Title: c.Title, Tiers: c.Tiers, Cache: c.Cache, Retries: c.Retries,
		Breaker: c.Breaker, Outage: c.Outage, Command: c.command(),
	})
	if err != nil {
		return badInput(err)
	}
	if c.Out == "" || c.Out == "-" {
		_, err := e.stdout.Write(src)
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if c.Force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(c.Out, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return badInput(fmt.Errorf("%s exists; choose another name, or add --force to replace it", c.Out))
	}
	if err != nil {
		return badInput(err)
	}
	if _, err := f.Write(src); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s; run it with: stampede run %s\n", c.Out, c.Out)
	return nil
}

// command is the command line that gives the same file, for its header
// (without -o and --force, which do not change it).
func (c *newCmd) command() string {
	args := []string{"stampede new"}
	if c.Tiers != 1 {
		args = append(args, fmt.Sprintf("--tiers %d", c.Tiers))
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{c.Cache, "--cache"}, {c.Retries, "--retries"}, {c.Breaker, "--breaker"}, {c.Outage, "--outage"}} {
		if f.on {
			args = append(args, f.name)
		}
	}
	if c.Title != "" {
		args = append(args, fmt.Sprintf("--title %q", c.Title))
	}
	return strings.Join(args, " ")
}

func (newCmd) Help() string {
	return `Writes a commented starter scenario that loads and runs as it is: a client
calling a chain of services, and what the flags add. docs/TUTORIAL.md walks
through growing one.

Examples:
  stampede new > my-system.toml
  stampede new --tiers 3 --cache --retries --breaker --outage -o shop.toml
  stampede new --tiers 2 --retries -o my-system.toml --force`
}
