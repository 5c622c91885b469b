package tui

import (
	"github.com/stampede-sim/stampede/scenarios"
)

// Entry is one scenario in the gallery. Load is called when the user picks
// it (or to show its details); it reads and validates the scenario.
type Entry struct {
	// Name is the built-in name or the file path.
	Name string
	// Title and About are shown in the gallery before loading.
	Title, About string
	// Load returns the scenario. Required.
	Load func() (*scenarios.Scenario, error)
}

// Library returns the built-in scenarios as gallery entries, in name
// order. A built-in that does not load is listed with its error, which
// shows when it is picked.
func Library() []Entry {
	var out []Entry
	for _, name := range scenarios.BuiltinNames() {
		e := Entry{Name: name, Title: name}
		doc, err := scenarios.LoadBuiltin(name)
		if err == nil {
			e.Title, e.About = doc.Title, doc.About
		}
		e.Load = func() (*scenarios.Scenario, error) {
			if err != nil {
				return nil, err
			}
			return doc, nil
		}
		out = append(out, e)
	}
	return out
}
