package scenarios

import (
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// VariantNames returns the names of the scenario's runs side by side:
// the base first, then each variant in file order.
func (s *Scenario) VariantNames() []string {
	names := []string{BaseName}
	for _, v := range s.Variants {
		names = append(names, v.Name)
	}
	return names
}

// Session runs the scenario's variants (VariantNames) interactively, as a
// session.Group. An intervention changes the base, and each variant's
// overrides apply on top, exactly as `stampede run` applies them to the
// file WithInterventions writes: that is what makes the replay of a saved
// session equal the session.
func (s *Scenario) Session() (*session.Group, error) {
	names := s.VariantNames()
	return session.NewGroup(names, func(ivs []session.Intervention) ([]config.Config, error) {
		doc := s.WithInterventions(ivs)
		out := make([]config.Config, len(names))
		for i, n := range names {
			cfg, err := doc.VariantConfig(n)
			if err != nil {
				return nil, err
			}
			out[i] = cfg
		}
		return out, nil
	})
}

// WithInterventions returns a copy of s whose base has ivs written into
// it (session.WithInterventions): the scenario that replays a session.
// Variants, sweep and claims are shared with s.
func (s *Scenario) WithInterventions(ivs []session.Intervention) *Scenario {
	doc := *s
	doc.Config = session.WithInterventions(s.Config, ivs)
	return &doc
}
