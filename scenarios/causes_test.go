package scenarios

import (
	"bytes"
	"strings"
	"testing"
)

const causesBase = `
duration = "20s"
seed = 1

[[services]]
name = "web"
workers = 64
service_time = "exp(1ms)"
calls = [{ target = "api" }]

[[services]]
name = "api"
workers = 64
service_time = "exp(1ms)"
calls = [{ target = "db", deadline = "50ms" }]

[[services]]
name = "db"
workers = 64
service_time = "exp(5ms)"

[[clients]]
name = "users"
target = "web"
rate = 100

[[faults]]
kind = "outage"
target = "db"
at = "5s"
for = "5s"

[[variants]]
name = "slow-db"
set = { "faults.0.kind" = "slowdown", "faults.0.factor" = 100 }

[[variants]]
name = "web-errors"
set = { "faults.0.kind" = "error_rate", "faults.0.target" = "web", "faults.0.probability" = 1 }
`

// TestErrorCauses: a request whose downstream call fails answers error,
// and the client's summary, each edge's and the table name the root of
// that failure: the service whose call failed and why (db's outage;
// api's deadline on its call to db). An error raised at the client's own
// target has no cause.
func TestErrorCauses(t *testing.T) {
	r, err := Run(mustLoad(t, "causes.toml", causesBase), Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	num := func(row *Row, metric string) float64 {
		t.Helper()
		v, ok := row.Number(metric)
		if !ok {
			return -1
		}
		return v
	}
	for _, c := range []struct {
		variant, cause string // cause: "" for none
	}{
		{"base", "db.outage"},
		{"slow-db", "db.deadline_exceeded"},
		{"web-errors", ""},
	} {
		var row *Row
		for i := range r.Rows {
			if r.Rows[i].Variant == c.variant {
				row = &r.Rows[i]
			}
		}
		errs := num(row, "failed.error")
		if errs <= 0 {
			t.Fatalf("%s: no call failed with error", c.variant)
		}
		if c.cause == "" {
			if _, ok := row.Value("error_causes"); ok {
				t.Errorf("%s: web's own errors have a cause: %v", c.variant, row.summary.get("error_causes"))
			}
			continue
		}
		for _, m := range []string{"error_causes." + c.cause, "clients.users.error_causes." + c.cause, "edges.web->api.error_causes." + c.cause} {
			if got := num(row, m); got != errs && m != "edges.web->api.error_causes."+c.cause {
				t.Errorf("%s: %s = %v, want every error (%v)", c.variant, m, got, errs)
			} else if got <= 0 {
				t.Errorf("%s: %s = %v, want > 0", c.variant, m, got)
			}
		}
		if _, ok := row.Value("edges.api->db.error_causes"); ok {
			t.Errorf("%s: api->db's own failures (%s) are counted as errors from below", c.variant, c.cause)
		}
	}
	var b bytes.Buffer
	if err := r.WriteTable(&b, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"error (db: outage) ", "error (db: deadline_exceeded) "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the table does not name %q:\n%s", want, b.String())
		}
	}
}
