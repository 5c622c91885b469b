package scenarios

import (
	"io"
	"os"
	"path/filepath"

	"github.com/stampede-sim/stampede/sim"
)

// FileOpener opens the data files a scenario file names (replay.rate_curve,
// replay.timestamps, le(@FILE), ...): absolute names as they are, others
// relative to the directory of file, the scenario's own path. Every caller
// that loads a scenario from a file, or writes one to a file and loads it
// back, resolves data files through it, so that a name means the same file
// to `stampede run`, the TUI, `stampede fit` and the testbed.
func FileOpener(file string) sim.Opener {
	dir := filepath.Dir(file)
	return func(name string) (io.ReadCloser, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, filepath.FromSlash(name))
		}
		return os.Open(name)
	}
}

// LoadFile is LoadWith for the scenario file at file whose text is src,
// its data files resolved relative to it by FileOpener (o.Open is
// replaced).
func LoadFile(file string, src []byte, o LoadOptions) (*Scenario, error) {
	o.Open = FileOpener(file)
	return LoadWith(file, src, o)
}
