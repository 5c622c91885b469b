package scenarios

import (
	"encoding"
	"reflect"
	"sort"
	"strings"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/strategies"
)

// metricNode is the shape of a variant's JSON summary, for checking claim
// metrics before running: object keys (with map keys filled in from the
// scenario's names), or a leaf.
type metricNode struct {
	kids     map[string]*metricNode
	wildcard *metricNode // a map whose keys are not known in advance
	leaf     string      // "number", "boolean", "string" for leaves
}

// metricShape builds the summary shape for a world: the fields of
// results.Summary by their json tags, plus what the runner adds.
func metricShape(c *config.Config) *metricNode {
	names := map[string][]string{}
	for _, s := range c.Services {
		names["services"] = append(names["services"], s.Name)
	}
	names["edges"] = c.EdgeNames()
	for _, ca := range c.Caches {
		names["caches"] = append(names["caches"], ca.Name)
	}
	for _, cl := range c.Clients {
		names["clients"] = append(names["clients"], cl.Name)
	}
	for _, s := range c.SLOs {
		names["slos"] = append(names["slos"], s.Name)
		names["alerts"] = append(names["alerts"], s.Name)
	}
	for _, r := range strategies.Reasons() {
		names["failed"] = append(names["failed"], r.String())
	}
	root := shapeOf(reflect.TypeFor[results.Summary](), "", names)
	root.kids["recovered_fraction"] = &metricNode{leaf: "number"}
	root.kids["peak"] = peakShape(names)
	root.kids["during_faults"] = windowShape()
	root.kids["after_faults"] = windowShape()
	if c.Cost != nil {
		cost := &metricNode{kids: map[string]*metricNode{}}
		for _, k := range costKeys {
			cost.kids[k] = &metricNode{leaf: "number"}
		}
		root.kids["cost"] = cost
	}
	return root
}

var marshalerType = reflect.TypeFor[encoding.TextMarshaler]()

func shapeOf(t reflect.Type, tag string, names map[string][]string) *metricNode {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(marshalerType) {
		return &metricNode{leaf: "string"}
	}
	switch t.Kind() {
	case reflect.Struct:
		n := &metricNode{kids: map[string]*metricNode{}}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			n.kids[name] = shapeOf(f.Type, name, names)
		}
		return n
	case reflect.Map:
		n := &metricNode{kids: map[string]*metricNode{}}
		elem := shapeOf(t.Elem(), "", names)
		ks, known := names[tag]
		if !known {
			n.wildcard = elem
		}
		for _, k := range ks {
			n.kids[k] = elem
		}
		return n
	case reflect.Bool:
		return &metricNode{leaf: "boolean"}
	case reflect.String:
		return &metricNode{leaf: "string"}
	case reflect.Slice, reflect.Array:
		return &metricNode{leaf: "array"}
	}
	return &metricNode{leaf: "number"}
}

// find resolves a dotted metric path: at each level the longest run of
// parts that is a key (names may hold dots).
func (n *metricNode) find(parts []string) *metricNode {
	for len(parts) > 0 {
		if n.leaf != "" {
			return nil
		}
		var next *metricNode
		took := 0
		for k := len(parts); k >= 1; k-- {
			if c, ok := n.kids[strings.Join(parts[:k], ".")]; ok {
				next, took = c, k
				break
			}
		}
		if next == nil && n.wildcard != nil {
			next, took = n.wildcard, 1
		}
		if next == nil {
			return nil
		}
		n, parts = next, parts[took:]
	}
	return n
}

// leaves lists every leaf path, sorted ("<name>" for unknown map keys).
func (n *metricNode) leaves() []string {
	var out []string
	var walk func(n *metricNode, prefix string)
	walk = func(n *metricNode, prefix string) {
		if n.leaf != "" {
			if n.leaf != "array" {
				out = append(out, prefix)
			}
			return
		}
		join := func(k string) string {
			if prefix == "" {
				return k
			}
			return prefix + "." + k
		}
		for k, c := range n.kids {
			walk(c, join(k))
		}
		if n.wildcard != nil {
			walk(n.wildcard, join("<name>"))
		}
	}
	walk(n, "")
	sort.Strings(out)
	return out
}
