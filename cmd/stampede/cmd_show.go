package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stampede-sim/stampede/scenarios"
)

type showCmd struct {
	Name  string `arg:"" predictor:"scenario" help:"Built-in scenario name (stampede list)."`
	Out   string `placeholder:"DIR" help:"Write NAME.toml and the data files it reads (recorded traffic, histograms) into DIR, where the copy runs as the built-in does, instead of printing the TOML."`
	Force bool   `help:"With --out, replace files of the same names in DIR."`
}

func (c *showCmd) Run(e *env) error {
	src, err := scenarios.BuiltinSource(c.Name)
	if err != nil {
		return badInput(err)
	}
	files, err := scenarios.BuiltinFiles(c.Name)
	if err != nil {
		return err
	}
	if c.Out == "" {
		if c.Force {
			return badInput(errors.New("--force replaces files that --out writes; it does nothing without --out"))
		}
		if len(files) > 0 {
			fmt.Fprintf(e.stderr, "note: %s reads %s, named relative to the scenario's file; "+
				"stampede show %s --out DIR writes them beside it\n", c.Name, dataNames(files), c.Name)
		}
		_, err = e.stdout.Write(src)
		return err
	}
	return c.write(e, src, files)
}

// write puts NAME.toml and its data files under c.Out: every name is
// checked before anything is written, and each file is renamed into place
// whole, so a refusal leaves DIR as it was.
func (c *showCmd) write(e *env, src []byte, files []scenarios.DataFile) error {
	all := append([]scenarios.DataFile{{Name: c.Name + ".toml", Data: src}}, files...)
	if !c.Force {
		var there []string
		for _, f := range all {
			p := filepath.Join(c.Out, filepath.FromSlash(f.Name))
			if _, err := os.Lstat(p); err == nil {
				there = append(there, p)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("--out %s: %v", c.Out, pathErr(err))
			}
		}
		if len(there) > 0 {
			return badInput(fmt.Errorf("--out %s: %s already there; choose another directory, or add --force to replace",
				c.Out, strings.Join(there, ", ")))
		}
	}
	for _, f := range all {
		dir, name := filepath.Split(filepath.Join(c.Out, filepath.FromSlash(f.Name)))
		err := writeFileAtomic(dir, name, func(w io.Writer) error {
			_, err := w.Write(f.Data)
			return err
		})
		if err != nil {
			return err
		}
	}
	toml := filepath.Join(c.Out, c.Name+".toml")
	if len(files) > 0 {
		fmt.Fprintf(e.stderr, "wrote %s with the data files it reads (%s); run it with: stampede run %s\n", toml, dataNames(files), toml)
	} else {
		fmt.Fprintf(e.stderr, "wrote %s; run it with: stampede run %s\n", toml, toml)
	}
	return nil
}

// dataNames lists the files' names for a message: "a, b and c".
func dataNames(files []scenarios.DataFile) string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
