package models

// serviceStrat is the server-side strategy state of one service: nil when
// its configuration turns none on, so that such a service pays one nil
// check per request and nothing else.
type serviceStrat struct {
	m metricSet
}

// strat returns the service's strategy metrics, nil without strategies.
func (s *service) strat() *metricSet {
	if s.st == nil {
		return nil
	}
	return &s.st.m
}
