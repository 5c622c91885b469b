package format

import (
	"testing"
	"time"
)

func TestRawValues(t *testing.T) {
	for _, c := range []struct {
		raw   any
		num   float64
		isNum bool
		dur   time.Duration
		isDur bool
		label string
	}{
		{int64(100), 100, true, 0, false, "100"},
		{0.5, 0.5, true, 0, false, "0.5"},
		{7, 7, true, 0, false, "7"},
		{"250ms", 0, false, 250 * time.Millisecond, true, "250ms"},
		{"lifo", 0, false, 0, false, "lifo"},
		{true, 0, false, 0, false, "true"},
	} {
		n, ok := Number(c.raw)
		d, okD := Duration(c.raw)
		if n != c.num || ok != c.isNum || d != c.dur || okD != c.isDur || Label(c.raw) != c.label {
			t.Errorf("%#v: Number %v %v, Duration %v %v, Label %q", c.raw, n, ok, d, okD, Label(c.raw))
		}
	}
	for _, c := range []struct {
		a, b any
		eq   bool
	}{
		{int64(100), 100.0, true},
		{"1s", "1000ms", true},
		{"fifo", "fifo", true},
		{"fifo", "lifo", false},
		{true, true, true},
		{true, int64(1), false},
		{"1s", int64(1), false},
	} {
		if Equal(c.a, c.b) != c.eq {
			t.Errorf("Equal(%#v, %#v) = %v", c.a, c.b, !c.eq)
		}
	}
}

func TestKindAt(t *testing.T) {
	type queue struct {
		Limit  *int          `toml:"limit"`
		Factor float64       `toml:"factor"`
		Wait   time.Duration `toml:"wait"`
		Order  string        `toml:"order"`
	}
	type world struct {
		Queue *queue `toml:"queue"`
	}
	w := &world{}
	for path, want := range map[string]Kind{"queue.limit": KindInt, "queue.factor": KindFloat, "queue.wait": KindDuration, "queue.order": KindOther} {
		if k, err := KindAt(w, path); err != nil || k != want {
			t.Errorf("KindAt(%s) = %v, %v; want %v", path, k, err, want)
		}
	}
	if w.Queue != nil {
		t.Error("KindAt allocated the queue")
	}
	if _, err := KindAt(w, "queue.size"); err == nil {
		t.Error("KindAt found a missing key")
	}
	if KindDuration.Raw(1.5e9) != "1.5s" || KindInt.Raw(2.6) != int64(3) || KindFloat.Raw(2.5) != 2.5 {
		t.Error("Raw")
	}
}
