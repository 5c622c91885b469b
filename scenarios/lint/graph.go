package lint

import (
	"fmt"
	"strconv"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios"
)

// edge is one caller's calls to one target: a client's, a service's
// downstream call, or a cache's backend calls, with the caller's policy.
type edge struct {
	from, to string
	pol      *config.ClientPolicy
	// inherit: the edge's calls carry the deadline of the request they
	// are made for (deadline propagation); never for a client.
	inherit bool
	// keys is the index path of the edge's table in the file
	// ("clients", "0"); disp the same as errors spell it
	// ("clients[users]").
	keys []string
	disp string
}

// at returns the index path of one of the edge's keys.
func (e *edge) at(k ...string) []string {
	return append(append([]string(nil), e.keys...), k...)
}

// attempts is the most attempts one call of the edge makes: its retry
// attempts, times the copies a hedge sends of each.
func (e *edge) attempts() int {
	n := 1
	if r := &e.pol.Retry; r.Enabled() && !r.Off() {
		n = r.Attempts
	}
	if h := e.pol.Hedge; h != nil && !h.Off() && h.MaxAttempts > 1 {
		n *= h.MaxAttempts
	}
	return n
}

// retries says the edge retries.
func (e *edge) retries() bool { r := &e.pol.Retry; return r.Enabled() && !r.Off() }

// limit is the time the caller gives one attempt: its timeout, else its
// deadline; 0 when it waits forever.
func (e *edge) limit() time.Duration {
	if e.pol.Timeout > 0 {
		return e.pol.Timeout
	}
	return e.pol.Deadline
}

// graph is the scenario's call graph.
type graph struct {
	edges    []*edge
	out      map[string][]*edge // edges by caller (service or cache)
	services map[string]int     // service index by name
}

func newGraph(s *scenarios.Scenario, cfg *config.Config) *graph {
	g := &graph{out: map[string][]*edge{}, services: map[string]int{}}
	for i := range cfg.Services {
		sv := &cfg.Services[i]
		g.services[sv.Name] = i
		for j := range sv.Calls {
			c := &sv.Calls[j]
			g.add(&edge{from: sv.Name, to: c.Target, pol: &c.ClientPolicy, inherit: sv.PropagateDeadline || c.PropagateDeadline,
				keys: []string{"services", strconv.Itoa(i), "calls", strconv.Itoa(j)},
				disp: fmt.Sprintf("services[%s].calls[%d]", sv.Name, j)})
		}
	}
	for i := range cfg.Caches {
		c := &cfg.Caches[i]
		g.add(&edge{from: c.Name, to: c.Backend, pol: &c.ClientPolicy, inherit: c.PropagateDeadline,
			keys: []string{"caches", strconv.Itoa(i)}, disp: fmt.Sprintf("caches[%s]", c.Name)})
	}
	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		g.edges = append(g.edges, &edge{from: c.Name, to: c.Target, pol: &c.ClientPolicy,
			keys: []string{"clients", strconv.Itoa(i)}, disp: fmt.Sprintf("clients[%s]", c.Name)})
	}
	return g
}

func (g *graph) add(e *edge) {
	g.edges = append(g.edges, e)
	g.out[e.from] = append(g.out[e.from], e)
}

// Limits on the walk: a scenario's graph is small, but a file can be
// written to make the number of paths explode.
const (
	// maxDepth is the longest call path followed.
	maxDepth = 32
	// maxPaths is the most call paths followed from all clients.
	maxPaths = 10000
)

// walk calls f with every call path from every client, stopping at a
// node already on the path (validation refuses cycles; this only keeps
// the walk finite), at maxDepth and after maxPaths paths. It returns
// false if a limit cut the walk short.
func (g *graph) walk(f func(path []*edge)) bool {
	n := 0
	complete := true
	var visit func(path []*edge)
	visit = func(path []*edge) {
		if n >= maxPaths {
			complete = false
			return
		}
		n++
		f(path)
		last := path[len(path)-1]
		if len(path) >= maxDepth {
			complete = false
			return
		}
		for _, e := range g.out[last.to] {
			if onPath(path, e.to) {
				continue
			}
			visit(append(path[:len(path):len(path)], e))
		}
	}
	for _, e := range g.edges {
		if e.keys[0] == "clients" {
			visit([]*edge{e})
		}
	}
	return complete
}

func onPath(path []*edge, node string) bool {
	if path[0].from == node {
		return true
	}
	for _, e := range path {
		if e.to == node {
			return true
		}
	}
	return false
}
