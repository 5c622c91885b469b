package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// profileFlags are the --cpuprofile and --memprofile flags that run and
// check share, as Go tools conventionally offer them: the profiles are in
// the runtime/pprof format (go tool pprof FILE) and written atomically when
// the command ends.
type profileFlags struct {
	CPUProfile string `name:"cpuprofile" help:"Write a CPU profile of the command to FILE (go tool pprof FILE; on a shared VM set GODEBUG=asyncpreemptoff=1, see docs/PERFORMANCE.md)." placeholder:"FILE"`
	MemProfile string `name:"memprofile" help:"Write a heap profile (allocations over the whole command) to FILE when the command ends (go tool pprof FILE)." placeholder:"FILE"`
}

// profiled runs body between the start and the end of the profiles asked
// for. The CPU profile is gathered in memory and written with the heap
// profile once body returns, each atomically; a failure to write one is
// returned when body itself succeeded.
func (p profileFlags) profiled(body func() error) error {
	for _, f := range []struct{ flag, path string }{{"--cpuprofile", p.CPUProfile}, {"--memprofile", p.MemProfile}} {
		if err := checkFilePath(f.flag, f.path, f.flag[2:]+".pprof"); err != nil {
			return badInput(err)
		}
	}
	var cpu bytes.Buffer
	if p.CPUProfile != "" {
		if err := pprof.StartCPUProfile(&cpu); err != nil {
			return fmt.Errorf("--cpuprofile: %v", err)
		}
	}
	err := body()
	if p.CPUProfile != "" {
		pprof.StopCPUProfile()
		if werr := writeProfile(p.CPUProfile, func(w io.Writer) error { _, err := w.Write(cpu.Bytes()); return err }); werr != nil && err == nil {
			err = werr
		}
	}
	if p.MemProfile != "" {
		runtime.GC() // the heap profile is as of the last collection
		if werr := writeProfile(p.MemProfile, func(w io.Writer) error { return pprof.Lookup("allocs").WriteTo(w, 0) }); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

func writeProfile(path string, write func(io.Writer) error) error {
	dir, file := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := writeFileAtomic(dir, file, write); err != nil {
		return badInput(err)
	}
	return nil
}
