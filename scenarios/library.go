package scenarios

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"

	"sort"
	"strings"

	"github.com/stampede-sim/stampede/scenarios/format"
)

// library holds the built-in scenarios, embedded in the binary so that
// `stampede run NAME` works from any directory. Each file is
// library/NAME.toml.
//
// Data files the built-ins name (recorded traffic, histograms) are under
// library/data/, named relative to library/ as a file's would be relative
// to it.
//
//go:embed library/*.toml library/data/*.csv
var library embed.FS

// libraryOpen opens a built-in's data file.
func libraryOpen(name string) (io.ReadCloser, error) {
	p := path.Join("library", name)
	if !fs.ValidPath(p) || !strings.HasPrefix(p, "library/") {
		return nil, fmt.Errorf("%q is not a file of the built-in library", name)
	}
	return library.Open(p)
}

// Builtin is a built-in scenario's name and one-line title.
type Builtin struct {
	Name  string
	Title string
	// Err is set if the embedded file does not load (a broken build).
	Err error
}

// Builtins lists the built-in scenarios, sorted by name.
func Builtins() []Builtin {
	var out []Builtin
	for _, name := range BuiltinNames() {
		s, err := LoadBuiltin(name)
		b := Builtin{Name: name, Err: err}
		if err == nil {
			b.Title = s.Title
		}
		out = append(out, b)
	}
	return out
}

// BuiltinNames lists the names of the built-in scenarios, sorted.
func BuiltinNames() []string {
	entries, _ := fs.ReadDir(library, "library")
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".toml") {
			names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
		}
	}
	sort.Strings(names)
	return names
}

// BuiltinSource returns the text of the built-in scenario name.
func BuiltinSource(name string) ([]byte, error) {
	if name == "" || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("no built-in scenario named %q", name)
	}
	b, err := fs.ReadFile(library, "library/"+name+".toml")
	if err != nil {
		return nil, fmt.Errorf("no built-in scenario named %q%s", name, format.DidYouMean(name, BuiltinNames(), "names (stampede list)"))
	}
	return b, nil
}

// A DataFile is a data file a built-in scenario reads, by the name its
// TOML gives it (relative to the scenario's file), and its bytes.
type DataFile struct {
	Name string
	Data []byte
}

// BuiltinFiles returns the data files the built-in scenario name reads,
// in its base, its sweep and every variant, sorted by name: what a copy
// of the scenario needs beside it to load as it does here.
func BuiltinFiles(name string) ([]DataFile, error) {
	src, err := BuiltinSource(name)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	record := func(n string) (io.ReadCloser, error) {
		r, err := libraryOpen(n)
		if err == nil {
			seen[n] = true
		}
		return r, err
	}
	s, err := LoadWith("builtin/"+name+".toml", src, LoadOptions{Open: record})
	if err != nil {
		return nil, err
	}
	for _, v := range s.Variants {
		if _, err := s.VariantConfig(v.Name); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	files := make([]DataFile, len(names))
	for i, n := range names {
		b, err := fs.ReadFile(library, path.Join("library", n))
		if err != nil {
			return nil, err
		}
		files[i] = DataFile{Name: n, Data: b}
	}
	return files, nil
}

// LoadBuiltin loads the built-in scenario name. Its errors name the file
// "builtin/NAME.toml".
func LoadBuiltin(name string) (*Scenario, error) {
	src, err := BuiltinSource(name)
	if err != nil {
		return nil, err
	}
	s, err := LoadWith("builtin/"+name+".toml", src, LoadOptions{Open: libraryOpen})
	if err != nil {
		return nil, err
	}
	s.Name = name
	return s, nil
}
