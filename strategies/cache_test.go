package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestTTLJitter(t *testing.T) {
	j, err := NewTTLJitter(TTLJitterConfig{Spread: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	r := sim.NewRand(1, "ttl")
	var sum float64
	const n = 10000
	for range n {
		d := j.TTL(time.Minute, r)
		if d < 48*time.Second || d >= 72*time.Second {
			t.Fatalf("TTL %v outside [48s, 72s)", d)
		}
		sum += float64(d)
	}
	if mean := time.Duration(sum / n); mean < 59*time.Second || mean > 61*time.Second {
		t.Errorf("mean TTL %v, want about 1m", mean)
	}
	var zero TTLJitter
	if zero.TTL(time.Minute, nil) != time.Minute {
		t.Error("zero TTLJitter changed the TTL")
	}
	_, err = NewTTLJitter(TTLJitterConfig{Spread: 1.5})
	mustErr(t, err, "Spread")
}

func ExampleTTLJitter() {
	j, _ := NewTTLJitter(DefaultTTLJitterConfig()) // ±10%
	r := sim.NewRand(1, "cache")
	for range 3 {
		d := j.TTL(time.Minute, r)
		fmt.Println(d >= 54*time.Second && d < 66*time.Second)
	}
	// Output:
	// true
	// true
	// true
}
