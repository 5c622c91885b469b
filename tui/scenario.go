package tui

import (
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// Scenario is what the Run view explores: a title, the text that says what
// to look for, and one or more variants run side by side.
type Scenario struct {
	// Name is the built-in name or the file path; Title and About are
	// shown in the gallery.
	Name, Title, About string
	// Variants are run in lockstep, in this order (colour i is variant
	// i). At least one.
	Variants []Variant
	// Doc is the scenario file the variants came from, when there is one:
	// Save writes its variants' overrides and runner limits.
	Doc *scenarios.Scenario
}

// Variant is one configuration of a scenario.
type Variant struct {
	// Name labels the variant ("base", "no retries", ...).
	Name string
	// Config is the variant's world, before interventions.
	Config config.Config
}

// Entry is one scenario in the gallery. Load is called when the user picks
// it (or to show its details); it reads and validates the scenario.
type Entry struct {
	// Name is the built-in name or the file path.
	Name string
	// Title and About are shown in the gallery before loading.
	Title, About string
	// Load returns the scenario. Required.
	Load func() (*Scenario, error)
}

// FromFile makes the Run view's scenario from a loaded scenario file: the
// base, then each variant in file order.
func FromFile(doc *scenarios.Scenario) (*Scenario, error) {
	s := &Scenario{Name: doc.Name, Title: doc.Title, About: doc.About, Doc: doc}
	names := []string{scenarios.BaseName}
	for _, v := range doc.Variants {
		names = append(names, v.Name)
	}
	for _, n := range names {
		cfg, err := doc.VariantConfig(n)
		if err != nil {
			return nil, err
		}
		s.Variants = append(s.Variants, Variant{Name: n, Config: cfg})
	}
	return s, nil
}

// configs returns each variant's configuration with ivs applied. For a
// scenario file, the interventions change the base and the variants'
// overrides are applied on top, exactly as `stampede run` will do with
// the saved file; otherwise they change each variant.
func (s *Scenario) configs(ivs []Intervention) ([]config.Config, error) {
	out := make([]config.Config, len(s.Variants))
	if s.Doc == nil {
		for i, v := range s.Variants {
			out[i] = session.WithInterventions(v.Config, ivs)
		}
		return out, nil
	}
	doc := *s.Doc
	doc.Config = session.WithInterventions(s.Doc.Config, ivs)
	for i, v := range s.Variants {
		cfg, err := doc.VariantConfig(v.Name)
		if err != nil {
			return nil, err
		}
		out[i] = cfg
	}
	return out, nil
}
