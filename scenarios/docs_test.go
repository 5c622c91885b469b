package scenarios

import (
	"encoding"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// sharedDocs are struct types that appear in several places of the format;
// docs/SCENARIOS.md documents their keys once, under these prefixes.
var sharedDocs = map[reflect.Type]string{
	reflect.TypeFor[config.ClientPolicy](): "policy",
	reflect.TypeFor[config.LinkConfig]():   "link",
	reflect.TypeFor[Axis]():                "axis",
	reflect.TypeFor[strategies.Switch]():   "strategy",
}

// formatKeys walks every key reachable from the Scenario struct by
// reflection, the way the decoder sees them, and returns their dotted
// paths (list entries have no index; shared types use their prefix).
func formatKeys() []string {
	seen := map[string]bool{}
	done := map[reflect.Type]bool{}
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "-" {
				continue
			}
			ft := f.Type
			if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				if p, ok := sharedDocs[ft]; ok {
					if !done[ft] {
						done[ft] = true
						walk(ft, p+".")
					}
					continue
				}
				walk(ft, prefix)
				continue
			}
			if !f.IsExported() || name == "" {
				continue
			}
			key := prefix + name
			seen[key] = true
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() != reflect.Struct || ft == reflect.TypeFor[time.Time]() || f.Type == reflect.TypeFor[format.Settings]() {
				continue
			}
			if reflect.PointerTo(ft).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) || ft == reflect.TypeFor[sim.Dist]() {
				continue
			}
			if p, ok := sharedDocs[ft]; ok {
				if !done[ft] {
					done[ft] = true
					walk(ft, p+".")
				}
				continue
			}
			walk(ft, key+".")
		}
	}
	walk(reflect.TypeFor[Scenario](), "")
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestDocsCoverEveryKey holds docs/SCENARIOS.md and the code together:
// every key the decoder accepts has a row in a reference table, and every
// row documents a key that exists.
func TestDocsCoverEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/SCENARIOS.md")
	if err != nil {
		t.Fatal(err)
	}
	// Reference tables are those whose header starts with "| key |"; each
	// row's first cell is a key in backquotes.
	row := regexp.MustCompile("^\\| `([a-z0-9_.]+)` \\|")
	documented := map[string]bool{}
	inTable := false
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(line, "| key |"):
			inTable = true
		case !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable:
			if m := row.FindStringSubmatch(line); m != nil {
				documented[m[1]] = true
			} else if !strings.HasPrefix(line, "|---") {
				t.Errorf("docs/SCENARIOS.md: a reference row that does not start with a key: %s", line)
			}
		}
	}
	keys := formatKeys()
	exists := map[string]bool{}
	for _, k := range keys {
		exists[k] = true
		if !documented[k] {
			t.Errorf("docs/SCENARIOS.md does not document the key %s (add a row | `%s` | type | default | ... |)", k, k)
		}
	}
	for k := range documented {
		if !exists[k] {
			t.Errorf("docs/SCENARIOS.md documents %s, which is not a key of the format", k)
		}
	}
}

// TestReplicationSeedsDocumented holds the replication seeds that
// docs/SCENARIOS.md gives as examples to replicationSeed.
func TestReplicationSeedsDocumented(t *testing.T) {
	src, err := os.ReadFile("../docs/SCENARIOS.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(src)), " ")
	for _, seed := range []uint64{1, 0} {
		want := fmt.Sprintf("With seed %d, replications 0, 1 and 2 run seeds %d, %d and %d;", seed, replicationSeed(seed, 0), replicationSeed(seed, 1), replicationSeed(seed, 2))
		if seed == 0 {
			want = fmt.Sprintf("with seed 0, seeds %d, %d and %d.", replicationSeed(0, 0), replicationSeed(0, 1), replicationSeed(0, 2))
		}
		if !strings.Contains(doc, want) {
			t.Errorf("docs/SCENARIOS.md does not say %q", want)
		}
	}
}
