package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"

	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// The conventions a command-line tool is expected to follow: --version,
// `help [command]`, shell completion, and a did-you-mean for a mistyped
// command instead of reading it as a scenario name.

// commit is set at link time (-ldflags "-X main.commit=abc1234"); otherwise
// the VCS revision recorded by the go command, when there is one.
var commit = ""

// versionString is what --version and `stampede version` print: the module
// version, the commit it was built from, and the toolchain and platform.
func versionString() string {
	c := commit
	if c == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			var rev, dirty string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "-dirty"
					}
				}
			}
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if rev != "" {
				c = rev + dirty
			}
		}
	}
	if c == "" {
		c = "unknown"
	}
	return fmt.Sprintf("stampede %s commit %s (%s %s/%s)", buildVersion(), c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// helpCmd prints the help of the program or of one command, as --help does.
type helpCmd struct {
	Command []string `arg:"" optional:"" help:"The command to explain, e.g. run."`
}

func (h helpCmd) Run(k *kong.Kong) error {
	if len(h.Command) > 0 {
		var names []string
		for _, n := range k.Model.Children {
			names = append(names, n.Name)
		}
		if !slices.Contains(names, h.Command[0]) {
			return badInput(fmt.Errorf("no command %q%s", h.Command[0], format.DidYouMean(h.Command[0], names, "commands")))
		}
	}
	if _, err := k.Parse(append(append([]string(nil), h.Command...), "--help")); err != nil {
		return badInput(err)
	}
	return nil
}

// completionCmd prints the script that hooks stampede's completion into a
// shell. The script calls stampede itself with COMP_LINE set; run answers
// those calls through kongplete.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

// completionScripts are kongplete's install fragments for a stampede found
// on PATH, so that the printed script does not depend on where it is built.
var completionScripts = map[string]string{
	"bash": "complete -C stampede stampede\n",
	"zsh":  "autoload -U +X bashcompinit && bashcompinit\ncomplete -C stampede stampede\n",
	"fish": `function __complete_stampede
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    stampede
end
complete -f -c stampede -a "(__complete_stampede)"
`,
}

func (c completionCmd) Run(e *env) error {
	_, err := fmt.Fprint(e.stdout, completionScripts[c.Shell])
	return err
}

// completing answers a shell's completion request (COMP_LINE set); kongplete
// then exits through the parser's exit hook.
func completing(parser *kong.Kong) {
	if os.Getenv("COMP_LINE") == "" {
		return
	}
	kongplete.Complete(parser, kongplete.WithPredictor("scenario", scenarioPredictor))
}

// scenarioPredictor completes scenario arguments: the built-in names and
// TOML files.
var scenarioPredictor = complete.PredictOr(
	complete.PredictSet(scenarios.BuiltinNames()...),
	complete.PredictFiles("*.toml"),
)

// mistypedCommand returns an error for a first argument that is neither a
// command, a file nor a built-in scenario but is close to a command's name,
// which kong would otherwise take for the terminal UI's scenario.
func mistypedCommand(parser *kong.Kong, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return nil
	}
	arg := args[0]
	var names []string
	for _, n := range parser.Model.Children {
		if n.Name == arg {
			return nil
		}
		if !n.Hidden {
			names = append(names, n.Name)
		}
	}
	if _, err := os.Stat(arg); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := scenarios.BuiltinSource(arg); err == nil {
		return nil
	}
	if sug := format.Suggest(arg, names); sug != "" {
		return fmt.Errorf("unknown command %q; did you mean %q? (stampede help lists the commands)", arg, sug)
	}
	return nil
}
