package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/stampede-sim/stampede/scenarios"
)

type mergeCmd struct {
	Shards     []string `arg:"" name:"dir" help:"Directories holding shard files (shard-I-of-N.jsonl), or the files themselves."`
	JSON       bool     `name:"json" help:"Print the JSON summary instead of the table."`
	Out        string   `help:"Write summary.json, series.csv and report.md to this directory." placeholder:"DIR"`
	tableFlags `embed:""`
}

func (c *mergeCmd) Run(e *env) error {
	table, err := c.tableOptions(e)
	if err != nil {
		return err
	}
	var files []string
	for _, arg := range c.Shards {
		st, err := os.Stat(arg)
		if err != nil {
			return badInput(err)
		}
		if !st.IsDir() {
			files = append(files, arg)
			continue
		}
		found, _ := filepath.Glob(filepath.Join(arg, "shard-*-of-*.jsonl"))
		if len(found) == 0 {
			return badInput(fmt.Errorf("%s holds no shard files (shard-I-of-N.jsonl, written by stampede run --shard)", arg))
		}
		files = append(files, found...)
	}
	sort.Strings(files)
	var readers []scenarios.NamedReader
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return badInput(err)
		}
		defer fh.Close()
		readers = append(readers, scenarios.NamedReader{Name: f, R: fh})
	}
	res, err := scenarios.Merge(readers)
	if err != nil {
		return badInput(err)
	}
	if err := printResult(e, res, c.JSON, table); err != nil {
		return err
	}
	if c.Out != "" {
		defer stopOnSignal(e.stderr)()
		set, err := newOutputSet(c.Out)
		if err != nil {
			return badInput(err)
		}
		defer set.Abort()
		if err := writeOutputs(set.Dir(), res); err != nil {
			return badInput(err)
		}
		if err := set.Commit(); err != nil {
			return badInput(err)
		}
	}
	if len(res.Stopped) > 0 {
		return badInput(errors.New("some runs were stopped by a limit before their end; their results are partial"))
	}
	if failed := len(res.Failed()); failed > 0 {
		return claimsFail(failed, "listed under the table")
	}
	return nil
}
