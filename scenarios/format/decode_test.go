package format

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// level is a TextUnmarshaler, as an enum of strategies might be.
type level int

func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		return fmt.Errorf("must be low or high, got %q", b)
	}
	return nil
}

type inner struct {
	Wait time.Duration `toml:"wait"`
}

type extra struct {
	Note string `toml:"note"`
}

type sample struct {
	inner                   // embedded: its keys are the table's
	Level  level            `toml:"level"`
	Limit  *int             `toml:"limit"`
	Small  int8             `toml:"small"`
	Count  uint16           `toml:"count"`
	Dist   sim.Dist         `toml:"dist"`
	Tags   map[string]int   `toml:"tags"`
	Items  []inner          `toml:"items"`
	Table  inner            `toml:"table"`
	Shared struct{ A int }  `toml:"shared"`
	Also   extra            `toml:"shared2"`
	Any    any              `toml:"any"`
	Skip   string           `toml:"-"`
	Floats []float64        `toml:"floats"`
	Opt    *inner           `toml:"opt"`
	Named  map[string]inner `toml:"named"`
}

func decodeSample(t *testing.T, src string) (*sample, error) {
	t.Helper()
	var s sample
	d, err := Decode("s.toml", []byte(src), &s)
	if err != nil {
		t.Fatal(err)
	}
	return &s, d.Err()
}

func TestDecodeKinds(t *testing.T) {
	s, err := decodeSample(t, `
wait = "2s"
level = "high"
limit = 0
small = -7
count = 65535
dist = "erlang(2, 10ms)"
tags = { a = 1, b = 2 }
items = [{ wait = "1ms" }, { wait = "2ms" }]
table.wait = "3m"
any = [1, "x"]
floats = [1, 2.5]
opt = { wait = "4s" }
named.x = { wait = "5s" }
`)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case s.Wait != 2*time.Second:
		t.Errorf("embedded wait = %v", s.Wait)
	case s.Level != 2:
		t.Errorf("level = %v", s.Level)
	case s.Limit == nil || *s.Limit != 0:
		t.Errorf("limit = %v", s.Limit)
	case s.Small != -7 || s.Count != 65535:
		t.Errorf("small, count = %v, %v", s.Small, s.Count)
	case s.Dist == nil || s.Dist.String() != "erlang(2, 10ms)":
		t.Errorf("dist = %v", s.Dist)
	case s.Tags["b"] != 2 || len(s.Items) != 2 || s.Items[1].Wait != 2*time.Millisecond:
		t.Errorf("tags, items = %v, %v", s.Tags, s.Items)
	case s.Table.Wait != 3*time.Minute || s.Opt == nil || s.Opt.Wait != 4*time.Second || s.Named["x"].Wait != 5*time.Second:
		t.Errorf("table, opt, named = %v, %v, %v", s.Table, s.Opt, s.Named)
	case len(s.Floats) != 2 || s.Floats[0] != 1:
		t.Errorf("floats = %v", s.Floats)
	case fmt.Sprint(s.Any) != "[1 x]":
		t.Errorf("any = %v", s.Any)
	}
}

func TestDecodeErrors(t *testing.T) {
	_, err := decodeSample(t, `
level = "medium"
small = 300
count = -1
dist = 5
items = { wait = "1s" }
skip = "x"
floats = ["a"]
tags = { a = "b" }
`)
	want := []string{
		`s.toml:2:1: level: must be low or high, got "medium"`,
		`s.toml:3:1: small: 300 is out of range for this key`,
		`s.toml:4:1: count: must be an integer >= 0 in range, got -1`,
		`s.toml:5:1: dist: must be a distribution string such as "20ms" or "exp(20ms)"; a bare number has no unit`,
		`s.toml:6:1: items: must be an array, got a table`,
		`s.toml:7:1: skip: unknown key; valid keys here: wait, level,`,
		`s.toml:8:11: floats[0]: must be a number, got the string "a"`,
		`s.toml:9:10: tags.a: must be an integer, got the string "b"`,
	}
	got := strings.Split(fmt.Sprint(err), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d:\n got  %s\n want %s", i, got[i], want[i])
		}
	}
}

// world and runner stand for a schema whose [limits] table is shared by
// two structs, and whose top level has keys variants may not set.
type (
	limits struct {
		MaxEvents int `toml:"max_events"`
	}
	world struct {
		Duration time.Duration `toml:"duration"`
		Limits   limits        `toml:"limits"`
	}
	runLimits struct {
		MaxWall time.Duration `toml:"max_wall"`
	}
	runner struct {
		Title string `toml:"title,noset"`
		world
		RunLimits runLimits `toml:"limits"`
		Variants  []struct {
			Name string   `toml:"name"`
			Set  Settings `toml:"set"`
		} `toml:"variants,noset"`
	}
)

// TestSchemaMergedTables: two struct fields with one key share a table;
// otherwise the shallower field wins, as in Go.
func TestSchemaMergedTables(t *testing.T) {
	sc := schemaOf(reflect.TypeFor[runner]())
	if fs := sc.by["limits"]; len(fs) != 2 {
		t.Errorf("limits: %d fields, want the world's Limits and RunLimits merged", len(fs))
	}
	for _, k := range []string{"duration", "variants", "title"} {
		if len(sc.by[k]) != 1 {
			t.Errorf("key %s: %d fields", k, len(sc.by[k]))
		}
	}
	if !sc.by["title"][0].noset || sc.by["duration"][0].noset {
		t.Error("noset flags wrong")
	}
	var r runner
	d, err := Decode("r.toml", []byte("duration = \"1m\"\n[limits]\nmax_events = 5\nmax_wall = \"2s\"\n[[variants]]\nname = \"v\"\nset = { \"limits.max_wall\" = \"3s\", limits = { max_events = 6 } }\n"), &r)
	if err != nil || d.Err() != nil {
		t.Fatal(err, d.Err())
	}
	if r.Limits.MaxEvents != 5 || r.RunLimits.MaxWall != 2*time.Second || len(r.Variants) != 1 {
		t.Fatalf("decoded %+v", r)
	}
	for _, st := range r.Variants[0].Set {
		if !d.Set(&r, st, st.In("set")) {
			t.Fatal(d.Err())
		}
	}
	if r.Limits.MaxEvents != 6 || r.RunLimits.MaxWall != 3*time.Second {
		t.Errorf("after the variant's set: %+v", r)
	}
	if _, _, err := Resolve(&r, "title"); err == nil || !strings.Contains(err.Error(), "variants and sweeps cannot set it") {
		t.Errorf("resolve(title): %v", err)
	}
}
