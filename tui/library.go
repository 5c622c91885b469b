package tui

import (
	"github.com/stampede-sim/stampede/scenarios"
)

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
		e.Load = func() (*Scenario, error) {
			if err != nil {
				return nil, err
			}
			return FromFile(doc)
		}
		out = append(out, e)
	}
	return out
}
