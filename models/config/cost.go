package config

// CostConfig prices a run: replica-hours, requests and retries, so that a
// variant's summary says what it cost, what a successful call cost, and
// how much of it went to wasted work and retries (scenarios' cost block).
// Prices are in any currency; the results carry no unit.
type CostConfig struct {
	// ReplicaHour is the price of one replica of a service held for an
	// hour (an autoscaled service pays for the replicas it held; a fixed
	// one for its replicas over the whole run), >= 0.
	ReplicaHour float64 `toml:"replica_hour"`
	// Request is the price of one request a service receives (retries,
	// hedges and downstream calls included), >= 0.
	Request float64 `toml:"request"`
	// Retry is the surcharge on each retry or hedge a caller sends, on top
	// of the request it makes, >= 0.
	Retry float64 `toml:"retry"`
	// Fallback is the price of each fallback answer a caller gives (a
	// call counted under the reason fallback, at any tier: the degraded
	// answer's own cost, on top of the requests a fallback's secondary
	// receives), >= 0.
	Fallback float64 `toml:"fallback"`
}

// ServiceCost overrides the scenario's prices for one service; nil keeps
// the scenario's.
type ServiceCost struct {
	ReplicaHour *float64 `toml:"replica_hour"`
	Request     *float64 `toml:"request"`
}

// Prices returns the replica-hour and request prices of service s under
// c (the scenario's, overridden by the service's own).
func (c *CostConfig) Prices(s *ServiceConfig) (replicaHour, request float64) {
	replicaHour, request = c.ReplicaHour, c.Request
	if o := s.Cost; o != nil {
		if o.ReplicaHour != nil {
			replicaHour = *o.ReplicaHour
		}
		if o.Request != nil {
			request = *o.Request
		}
	}
	return replicaHour, request
}

// cost checks the prices.
func (v *validator) cost(c *Config) {
	if k := c.Cost; k != nil {
		v.finiteNonNeg("cost.replica_hour", k.ReplicaHour)
		v.finiteNonNeg("cost.request", k.Request)
		v.finiteNonNeg("cost.retry", k.Retry)
		v.finiteNonNeg("cost.fallback", k.Fallback)
	}
	for i := range c.Services {
		s := &c.Services[i]
		o := s.Cost
		if o == nil {
			continue
		}
		p := entry("services", i, s.Name) + ".cost"
		if c.Cost == nil {
			v.add(p, "prices a service, but the scenario has no [cost] table: add one (its prices apply to the other services)")
		}
		if o.ReplicaHour != nil {
			v.finiteNonNeg(p+".replica_hour", *o.ReplicaHour)
		}
		if o.Request != nil {
			v.finiteNonNeg(p+".request", *o.Request)
		}
	}
}
