package format

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

type point struct {
	At   time.Duration `toml:"at"`
	Rate float64       `toml:"rate"`
}

type entity struct {
	Name     string         `toml:"name"`
	Dist     sim.Dist       `toml:"dist"`
	Limit    *int           `toml:"limit"`
	Points   []point        `toml:"points"`
	Weights  map[string]int `toml:"weights"`
	Disabled bool           `toml:"disabled"`
}

// TestEncodeRoundTrip: what the encoder writes, the decoder reads back to
// the same values, and the layout is the one the TUI's saved files have.
func TestEncodeRoundTrip(t *testing.T) {
	limit := 0
	in := runner{
		Title:     "a \"quoted\" title",
		world:     world{Duration: time.Minute, Limits: limits{MaxEvents: 5}},
		RunLimits: runLimits{MaxWall: 2 * time.Second},
	}
	in.Variants = append(in.Variants, struct {
		Name string   `toml:"name"`
		Set  Settings `toml:"set"`
	}{"v", Settings{{Path: "limits.max_wall", Value: "3s"}, {Path: "duration", Value: "2m"}}})
	dist, err := sim.ParseDist("exp(20ms)")
	if err != nil {
		t.Fatal(err)
	}
	ents := []entity{{Name: "e", Dist: dist, Limit: &limit, Points: []point{{At: time.Second, Rate: 2}}, Weights: map[string]int{"b": 2, "a": 1}}}

	var e Encoder
	e.Comment("a comment\nover two lines")
	e.Blank()
	e.Text("about", "line one\nline two\n")
	if err := e.Body(KV{Value: in}, KV{Key: "entities", Value: ents}, KV{Key: "empty", Value: []entity{}}); err != nil {
		t.Fatal(err)
	}
	want := `# a comment
# over two lines

about = '''
line one
line two
'''
title = "a \"quoted\" title"
duration = "1m0s"

[limits]
max_events = 5
max_wall = "2s"

[[variants]]
name = "v"
set = { "limits.max_wall" = "3s", "duration" = "2m" }

[[entities]]
name = "e"
dist = "exp(20ms)"
limit = 0
points = [{ at = "1s", rate = 2.0 }]
weights = { a = 1, b = 2 }
`
	if got := string(e.Bytes()); got != want {
		t.Fatalf("encoded:\n%s\nwant:\n%s", got, want)
	}

	var back struct {
		About string `toml:"about"`
		runner
		Entities []entity `toml:"entities"`
	}
	d, err := Decode("back.toml", e.Bytes(), &back)
	if err != nil || d.Err() != nil {
		t.Fatal(err, d.Err())
	}
	if back.runner.Title != in.Title || back.world != in.world || back.RunLimits != in.RunLimits {
		t.Errorf("read back %+v, want %+v", back.runner, in)
	}
	if len(back.Variants) != 1 || len(back.Variants[0].Set) != 2 || back.Variants[0].Set[1].Value != "2m" {
		t.Errorf("variants read back as %+v", back.Variants)
	}
	if !reflect.DeepEqual(back.Entities, ents) {
		t.Errorf("entities read back as %+v, want %+v", back.Entities, ents)
	}
	if !strings.HasPrefix(back.About, "line one") {
		t.Errorf("about = %q", back.About)
	}
}
