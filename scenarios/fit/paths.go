package fit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Paths: which call edges a service's requests take together. An edge's
// probability alone says how many requests take it; the sets of edges
// the requests took say which ones go together (a checkout calling both
// payments and stock) and which never do (a read served by the cache or
// by the db). The fit counts each request's set of targets, and writes
// them as the service's paths when they are not simply "every edge".

// maxPaths is the most paths a service may have (the limit of
// services.paths, models/maxPaths; TestFitPathsLimit holds the two
// together).
const maxPaths = 64

// pathSep joins a set's targets into a map key; no service name holds it.
const pathSep = "\x00"

// pathAgg counts the sets of targets a service's requests called. Only
// requests that did not fail count: a failed request stops calling, and
// its set is not the one it would have taken.
type pathAgg struct {
	sets     map[string]int64
	overflow int64 // requests whose set was new past maxPaths
}

// add counts one request's set of targets (in any order, distinct).
func (p *pathAgg) add(targets []string) {
	slices.Sort(targets)
	key := strings.Join(targets, pathSep)
	if p.sets == nil {
		p.sets = map[string]int64{}
	}
	if _, ok := p.sets[key]; !ok && len(p.sets) >= maxPaths {
		p.overflow++
		return
	}
	p.sets[key]++
}

// PathSet is one set of targets the requests of a service called
// together, and how many requests did.
type PathSet struct {
	Calls    []string
	Requests int64
}

// model lists the sets, most requests first (ties by their targets).
func (p *pathAgg) model() (sets []PathSet, overflow int64) {
	for key, n := range p.sets {
		var calls []string
		if key != "" {
			calls = strings.Split(key, pathSep)
		}
		sets = append(sets, PathSet{Calls: calls, Requests: n})
	}
	slices.SortFunc(sets, func(a, b PathSet) int {
		if c := cmp.Compare(b.Requests, a.Requests); c != 0 {
			return c
		}
		return slices.Compare(a.Calls, b.Calls)
	})
	return sets, p.overflow
}

// scenarioPaths projects a service's sets onto the targets of the edges
// the scenario writes and merges the sets that become equal. It returns
// nil when the targets' own probabilities say it all or nothing can be
// said: fewer than two targets, one set (every request took every edge,
// or none), a target in no set (taken only by requests that failed), or
// too many sets to keep.
func scenarioPaths(s *Service, targets []string) []PathSet {
	if len(targets) < 2 || s.PathsOverflow > 0 || len(s.Paths) == 0 {
		return nil
	}
	var out []PathSet
	seen := map[string]bool{}
	for _, ps := range s.Paths {
		var calls []string
		for _, c := range ps.Calls {
			if slices.Contains(targets, c) {
				calls = append(calls, c)
				seen[c] = true
			}
		}
		if k := slices.IndexFunc(out, func(o PathSet) bool { return slices.Equal(o.Calls, calls) }); k >= 0 {
			out[k].Requests += ps.Requests
		} else {
			out = append(out, PathSet{Calls: calls, Requests: ps.Requests})
		}
	}
	if len(out) == 1 || len(seen) < len(targets) {
		return nil
	}
	slices.SortStableFunc(out, func(a, b PathSet) int { return cmp.Compare(b.Requests, a.Requests) })
	return out
}

// writePaths writes the paths table of a service and its evidence.
func writePaths(p func(string, ...any), paths []PathSet) {
	var total int64
	for _, ps := range paths {
		total += ps.Requests
	}
	p("# paths: the sets of calls the %d requests that did not fail made, taken together as the traces show (weight: requests)\n", total)
	p("paths = [\n")
	for _, ps := range paths {
		q := make([]string, len(ps.Calls))
		for i, c := range ps.Calls {
			q[i] = fmt.Sprintf("%q", c)
		}
		p("  { weight = %d, calls = [%s] },   # %.1f%%\n", ps.Requests, strings.Join(q, ", "), 100*float64(ps.Requests)/float64(total))
	}
	p("]\n")
}
