package results

import (
	"encoding/json"
	"math"
	"strconv"
)

// Count is a number of things that happened (calls, requests, firings).
// It encodes as a JSON integer. It decodes from any JSON number, rounded
// to the nearest integer, so that a batch summary's counts, which are
// means over replications and may be fractional, read back as counts.
type Count int64

// UnmarshalJSON decodes a JSON number, rounding it to an integer.
func (c *Count) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*c = Count(n)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*c = Count(math.Round(f))
	return nil
}
