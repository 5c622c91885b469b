package plots

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile renders f at size s in the format of path's extension and
// writes it atomically: to a temporary file in the same directory, then
// renamed over path, so a reader never sees half a figure.
func WriteFile(path string, f *Figure, s Size) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Render(&buf, format, s); err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	return writeAtomic(path, buf.Bytes())
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, bare(err))
	}
	return nil
}

// bare drops the path from a file system error, which names the temporary
// file: the caller names the path asked for instead.
func bare(err error) error {
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

// WriteAll renders every figure s has data for (see Set.Available) into
// dir, named prefix + figure name + "." + format ("timeseries.png", or
// "storm-timeseries.svg" with prefix "storm-"), each written atomically.
// It creates dir if needed and returns the paths written, in FigureNames
// order. `stampede run --out DIR --plots` and `stampede plot --figure
// all` call it.
func WriteAll(dir, prefix string, s *Set, format Format, size Size) ([]string, error) {
	switch format {
	case PNG, SVG, PDF:
	default:
		return nil, fmt.Errorf("unknown format %q: use png, svg or pdf", format)
	}
	names := s.Available()
	if len(names) == 0 {
		return nil, fmt.Errorf("nothing to plot: the results have no runs, sweep or stability grid")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write %s: %w", dir, bare(err))
	}
	var paths []string
	for _, name := range names {
		f, err := s.Figure(name)
		if err != nil {
			return paths, fmt.Errorf("figure %s: %w", name, err)
		}
		path := filepath.Join(dir, prefix+name+"."+string(format))
		if err := WriteFile(path, f, size); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
