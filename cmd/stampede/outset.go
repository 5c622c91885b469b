package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// An outputSet is the directory `--out DIR` names, built whole in a fresh
// sibling directory (.DIR.tmp-PID-*) and swapped in at the end, so that a
// reader of DIR finds the previous set or the new one, never a mix, even
// when the run is killed half-way through writing.
type outputSet struct {
	dest string // what the user asked for, as given
	abs  string // dest made absolute
	tmp  string // the sibling being filled
}

// writeHook, when set (by tests), is called at each step of the write
// phase: a temporary file or directory made, a file written, a rename.
var writeHook func(step string)

func hook(step string) {
	if writeHook != nil {
		writeHook(step)
	}
}

// outputNames are the entries stampede writes into an output set; an
// existing DIR holding anything else is not replaced.
var outputNames = map[string]bool{"summary.json": true, "series.csv": true, "report.md": true}

// newOutputSet starts a set for dest: it checks that dest is absent, empty
// or an earlier output set, removes temporary files left by runs that were
// killed, and makes the sibling the set is written into.
func newOutputSet(dest string) (*outputSet, error) {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %w", dest, err)
	}
	if err := replaceable(abs, 0); err != nil {
		return nil, fmt.Errorf("--out %s: %w", dest, err)
	}
	parent, base := filepath.Split(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("--out %s: %v", dest, pathErr(err))
	}
	cleanStale(parent, base)
	pending.Lock()
	defer pending.Unlock()
	tmp, err := os.MkdirTemp(parent, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return nil, fmt.Errorf("--out %s: %v", dest, pathErr(err))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("--out %s: %v", dest, pathErr(err))
	}
	o := &outputSet{dest: dest, abs: abs, tmp: tmp}
	pending.sets[o] = true
	hook("mkdir")
	return o, nil
}

// replaceable reports why the existing path p may not be replaced by an
// output set: it is not a directory, or holds files stampede did not
// write. An absent or empty directory is fine. depth 1 is a scenario's
// subdirectory of a set of several.
func replaceable(p string, depth int) error {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) && depth == 0 {
		return nil
	}
	if err != nil {
		return pathErr(err)
	}
	if !st.IsDir() {
		return errors.New("exists and is not a directory")
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return pathErr(err)
	}
	for _, e := range entries {
		n := e.Name()
		switch {
		case outputNames[n], isFigure(n), strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-"):
		case e.IsDir() && depth == 0:
			if err := replaceable(filepath.Join(p, n), 1); err != nil {
				return err
			}
		default:
			return fmt.Errorf("holds %s, which stampede did not write; stampede replaces the directory as a whole, so give a new or empty one",
				filepath.Join(p, n))
		}
	}
	return nil
}

func isFigure(name string) bool {
	switch filepath.Ext(name) {
	case ".png", ".svg", ".pdf":
		return true
	}
	return false
}

// Dir is where the files of the set are written until Commit.
func (o *outputSet) Dir() string { return o.tmp }

// Commit swaps the finished set in place of dest in one step and removes
// the previous set.
func (o *outputSet) Commit() error {
	pending.Lock()
	defer pending.Unlock()
	delete(pending.sets, o)
	hook("commit")
	old, err := swapDir(o.tmp, o.abs)
	if err != nil {
		os.RemoveAll(o.tmp)
		return fmt.Errorf("--out %s: %v", o.dest, pathErr(err))
	}
	hook("swapped")
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// Abort removes the unfinished set; dest is left as it was.
func (o *outputSet) Abort() {
	pending.Lock()
	defer pending.Unlock()
	if pending.sets[o] {
		delete(pending.sets, o)
		os.RemoveAll(o.tmp)
	}
}

// swapDir puts the directory src at dst. When dst exists, the two are
// exchanged in one rename where the system can (Linux's
// RENAME_EXCHANGE), and the returned path holds the previous dst, for the
// caller to remove.
func swapDir(src, dst string) (string, error) {
	err := os.Rename(src, dst)
	if err == nil {
		return "", nil
	}
	if _, serr := os.Stat(dst); serr != nil {
		return "", err
	}
	if exchange(src, dst) == nil {
		return src, nil
	}
	// No exchange here: move the old set aside, then the new one in. A
	// kill between the two leaves dst absent and the old set beside it.
	parent, base := filepath.Split(dst)
	aside, err := os.MkdirTemp(parent, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-old-*")
	if err != nil {
		return "", err
	}
	os.Remove(aside)
	if err := os.Rename(dst, aside); err != nil {
		return "", err
	}
	if err := os.Rename(src, dst); err != nil {
		os.Rename(aside, dst)
		return "", err
	}
	return aside, nil
}

// tempPrefix starts the name of every temporary file or directory made
// for name: ".NAME.tmp-", followed by the writer's process id and "-".
func tempPrefix(name string) string { return "." + name + ".tmp-" }

// cleanStale removes from dir the temporary files and directories made
// for name by stampede processes that are no longer running (killed
// before they could clean up). Those of live processes are left alone.
func cleanStale(dir, name string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(name)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || alive(pid) {
			continue
		}
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// pathErr drops the path from a *fs.PathError or *os.LinkError, which
// names a temporary file the user never asked for; the caller names the
// path the user gave instead.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// pending holds the output sets being written, for the signal handler.
var pending = struct {
	sync.Mutex
	sets map[*outputSet]bool
}{sets: map[*outputSet]bool{}}

// stopOnSignal makes SIGINT and SIGTERM stop the program: the output sets
// being written are removed, the directories they were to replace left as
// they were, and the exit code is 128 + the signal's number (130, 143).
// It returns the function that restores the default behaviour.
func stopOnSignal(stderr io.Writer) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			pending.Lock() // waits for a Commit under way to finish
			var kept []string
			for o := range pending.sets {
				os.RemoveAll(o.tmp)
				kept = append(kept, o.dest)
			}
			name, code := "SIGINT", 130
			if sig == syscall.SIGTERM {
				name, code = "SIGTERM", 143
			}
			msg := "stampede: stopped by " + name
			if len(kept) > 0 {
				msg += fmt.Sprintf("; %s left as it was", strings.Join(kept, ", "))
			}
			fmt.Fprintln(stderr, msg)
			os.Exit(code)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// writeFileAtomic writes dir/name through a temporary file in dir renamed
// into place, so that a reader never sees a half-written file. Errors of
// the file system name dir/name, not the temporary file; errors of write
// are returned as they are.
func writeFileAtomic(dir, name string, write func(io.Writer) error) (err error) {
	path := filepath.Join(dir, name)
	fsErr := func(err error) error { return fmt.Errorf("write %s: %v", path, pathErr(err)) }
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fsErr(err)
	}
	cleanStale(dir, name)
	tmp, err := os.CreateTemp(dir, tempPrefix(name)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fsErr(err)
	}
	hook("create " + name)
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fsErr(err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fsErr(err)
	}
	if err = tmp.Close(); err != nil {
		return fsErr(err)
	}
	hook("written " + name)
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fsErr(err)
	}
	hook("renamed " + name)
	return nil
}
