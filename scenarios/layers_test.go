package scenarios

import (
	"bytes"
	"strings"
	"testing"
)

// TestLayerTables: a multi-tier run's table shows each edge's
// amplification, top tier first, and the wasted work of the services
// that wasted 1% or more; report.md has both; a one-service run with no
// waste has neither.
func TestLayerTables(t *testing.T) {
	src := strings.Replace(causesBase, `calls = [{ target = "api" }]`,
		`calls = [{ target = "api", timeout = "20ms", retry = { attempts = 3 } }]`, 1)
	r, err := Run(mustLoad(t, "layers.toml", src), Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	var table, report bytes.Buffer
	if err := r.WriteTable(&table, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteReport(&report); err != nil {
		t.Fatal(err)
	}
	out := table.String()
	for _, want := range []string{
		"\namplification per call edge (attempts per call)\nvariant     web->api  api->db\n",
		"\nwasted work (share of each service's busy time spent on answers nobody used)\nvariant      api   db\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	// web retries its calls to api (3 attempts, 20 ms timeout) while db
	// is down or slow; api calls db once.
	if !strings.Contains(out, "\nslow-db         1.53     1.00\n") {
		t.Errorf("slow-db's edge amplifications are not 1.53 and 1.00:\n%s", out)
	}
	for _, want := range []string{"## Layers", "| variant | web->api | api->db |", "| variant | api | db |"} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("report.md lacks %q:\n%s", want, report.String())
		}
	}

	one := mustLoad(t, "one.toml", `
duration = "10s"
[[services]]
name = "api"
workers = 4
service_time = "exp(10ms)"
[[clients]]
name = "users"
target = "api"
rate = 50
`)
	r, err = Run(one, Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	table.Reset()
	if err := r.WriteTable(&table, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(table.String(), "amplification per call edge") || strings.Contains(table.String(), "wasted work") {
		t.Errorf("a one-service run without waste shows layer tables:\n%s", table.String())
	}
}

// TestLayerEdgeOrder: edges are listed top tier first, whatever their
// names' order.
func TestLayerEdgeOrder(t *testing.T) {
	r, err := Run(mustLoad(t, "order.toml", `
duration = "5s"
[[services]]
name = "z-top"
service_time = "1ms"
calls = [{ target = "m-mid" }]
[[services]]
name = "m-mid"
service_time = "1ms"
calls = [{ target = "a-bottom" }]
[[services]]
name = "a-bottom"
service_time = "1ms"
[[clients]]
name = "users"
target = "z-top"
rate = 10
`), Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(r.layerEdges(), " ")
	if want := "z-top->m-mid m-mid->a-bottom"; got != want {
		t.Errorf("edges %q, want %q", got, want)
	}
}

// TestFallbackColumn: calls a client's fallback answered are no failure:
// the results table shows them in a fallbacks column of their own (only
// when some variant has them), not in the failures column.
func TestFallbackColumn(t *testing.T) {
	src := `duration = "20s"
seed = 1

[[services]]
name = "api"
workers = 8
service_time = "exp(5ms)"
error_rate = 0.3

[[clients]]
name = "users"
target = "api"
rate = 200

[[variants]]
name = "fallback"
set = { "clients.users.fallback" = { on = ["error"] } }
`
	r, err := Run(mustLoad(t, "fb.toml", src), Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := r.WriteTable(&table, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := table.String()
	lines := strings.Split(out, "\n")
	var header, base, fb string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "variant"):
			header = l
		case strings.HasPrefix(l, "base "):
			base = l
		case strings.HasPrefix(l, "fallback "):
			fb = l
		}
	}
	if h := strings.Fields(header); len(h) != 10 || h[7] != "failures" || h[8] != "fallbacks" {
		t.Fatalf("no fallbacks column after failures:\n%s", out)
	}
	if f := strings.Fields(base); len(f) != 12 || f[7] != "error" || f[9] != "-" {
		t.Errorf("base's failures and fallbacks cells: %q, want error and -:\n%s", f, out)
	}
	if f := strings.Fields(fb); len(f) != 11 || f[7] != "-" || f[8] != "31%" {
		t.Errorf("fallback's failures and fallbacks cells: %q, want - and 31%%:\n%s", f, out)
	}
	// none in any variant: no column
	r, err = Run(mustLoad(t, "nofb.toml", strings.Split(src, "[[variants]]")[0]), Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	table.Reset()
	r.WriteTable(&table, TableOptions{})
	if strings.Contains(table.String(), "fallbacks") {
		t.Errorf("a column of fallbacks without any:\n%s", table.String())
	}
}
