package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// SessionTOML writes the session as a scenario file: the scenario's world
// with every intervention recorded (faults as [[faults]], rate changes as
// rate-schedule points, timeouts and retry attempts as the clients',
// strategies turned on or off as their tables), and its
// variants. `stampede run` on it reproduces the session's results exactly.
// Sweeps, replications and claims of the original are left out: the file
// replays one run.
func SessionTOML(sc *scenarios.Scenario, s *session.Group) ([]byte, error) {
	var e format.Encoder
	e.Comment(fmt.Sprintf("Saved by `stampede tui` from %s at %s of %s.\nReplay it with: stampede run FILE",
		sc.Name, format.Clock(time.Duration(s.Now())), format.Clock(time.Duration(s.End()))))
	ivs := s.Interventions()
	if len(ivs) > 0 {
		var b strings.Builder
		b.WriteString("Interventions (the last [[faults]] entries, rate schedule points, timeouts, attempts, strategies):")
		for _, iv := range ivs {
			b.WriteString("\n  " + iv.String())
		}
		e.Comment(b.String())
	}
	e.Blank()
	title := sc.Title
	if title == "" {
		title = sc.Name
	}
	if err := e.Key("title", title+" (session)"); err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	about := strings.TrimSpace(sc.About)
	if len(ivs) > 0 {
		if about != "" {
			about += "\n\n"
		}
		about += fmt.Sprintf("Saved from an interactive session with %d intervention(s):", len(ivs))
		for _, iv := range ivs {
			about += "\n- " + iv.String()
		}
	}
	if about != "" {
		e.Text("about", about+"\n")
	}

	replay := sc.WithInterventions(ivs)
	body := []format.KV{
		{Value: replay.Config},
		{Key: "limits", Value: replay.RunLimits},
		{Key: "variants", Value: replay.Variants},
	}
	if err := e.Body(body...); err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	return e.Bytes(), nil
}

// save writes the session next to the others (name-session-N.toml, the
// first N not taken) in a command.
func (r *runState) save() tea.Cmd {
	b, err := SessionTOML(r.scen, r.sess)
	if err != nil {
		r.setNote(err.Error(), true)
		return nil
	}
	base := fileStem(r.scen.Name) + "-session"
	dir := r.dir
	warn, err := checkReplay(r.scen, r.sess, b, filepath.Join(dir, base+".toml"))
	if err != nil {
		r.setNote(err.Error(), true)
		return nil
	}
	r.setNote("saving…", false)
	return func() tea.Msg {
		path, err := writeNew(dir, base, ".toml", b)
		return writtenMsg{what: "save", path: path, err: err, warn: warn}
	}
}

// checkReplay loads the saved text, with the data files it names read as
// the scenario's own (sc.Open), and compares the world each variant builds
// with the live one. A file that does not load is an error (a bug); a
// variant whose world differs (its overrides replace a list the session
// added to, such as all the faults) is a warning. So is a file that does
// not load where it is saved (as saved, a path like dir/name-session.toml),
// as `stampede run` will load it: the data files it names are relative to
// the scenario's file (or embedded in a built-in), not to the save.
func checkReplay(sc *scenarios.Scenario, s *session.Group, src []byte, saved string) (warn string, err error) {
	doc, err := scenarios.LoadWith(saved, src, scenarios.LoadOptions{Open: sc.Open})
	if err != nil {
		return "", fmt.Errorf("save: the session does not load back (please report this): %w", err)
	}
	var warns []string
	if _, ferr := scenarios.LoadFile(saved, src, scenarios.LoadOptions{}); ferr != nil {
		warns = append(warns, fmt.Sprintf("it does not load where it is saved (its data files are named relative to %s): %v", sc.File, ferr))
	}
	var differ []string
	for i, name := range s.Names() {
		cfg, err := doc.VariantConfig(name)
		if err != nil {
			return "", fmt.Errorf("save: variant %s: %w", name, err)
		}
		same, err := s.Replays(i, cfg)
		if err != nil {
			return "", fmt.Errorf("save: variant %s does not build: %w", name, err)
		}
		if !same {
			differ = append(differ, name)
		}
	}
	if len(differ) > 0 {
		warns = append(warns, "the replay of "+strings.Join(differ, ", ")+" will differ: its overrides replace what the session changed")
	}
	return strings.Join(warns, "; "), nil
}

// fileStem makes a scenario name usable in a file name.
func fileStem(name string) string {
	name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, name)
	if name == "" {
		return "stampede"
	}
	return name
}

// writeNew writes b to dir/base-N.ext for the first N from 1 that does not
// exist yet, and returns the path.
func writeNew(dir, base, ext string, b []byte) (string, error) {
	for n := 1; n < 10000; n++ {
		p := filepath.Join(dir, fmt.Sprintf("%s-%d%s", base, n, ext))
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(b)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(p)
			return "", werr
		}
		return p, nil
	}
	return "", fmt.Errorf("too many %s-N%s files in %s", base, ext, dir)
}
