package results

import (
	"strings"
	"testing"
)

// TestDecodeBatchSchemaVersion reads summaries of this schema_version (or
// written before summaries had one) and refuses those of a newer one.
func TestDecodeBatchSchemaVersion(t *testing.T) {
	const rest = `"scenario": "s", "title": "t", "replications": 1, "variants": [{"name": "base"}]}`
	for _, head := range []string{`{`, `{"schema_version": 1, `} {
		b, err := DecodeBatch([]byte(head + rest))
		if err != nil || len(b.Rows) != 1 || b.Rows[0].Variant != "base" {
			t.Errorf("DecodeBatch(%s...) = %+v, %v", head, b, err)
		}
	}
	_, err := DecodeBatch([]byte(`{"schema_version": 2, ` + rest))
	if err == nil || !strings.Contains(err.Error(), "newer stampede") {
		t.Errorf("DecodeBatch of schema_version 2: %v, want an error naming a newer stampede", err)
	}
}
