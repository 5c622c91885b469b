package config

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// ReplayConfig plays recorded traffic as an open or partly-open client's
// arrivals (calls, or sessions): either a rate curve, calls/s over time
// with arrivals drawn inside it by the client's arrival process (poisson:
// a non-homogeneous Poisson process, by inversion of the integrated rate
// from the client's own random stream), or exact arrival timestamps,
// replayed one for one. Exactly one of RateCurve and Timestamps is set, or
// neither (no replay). Paths are relative to the scenario file.
type ReplayConfig struct {
	// RateCurve names a CSV file of `t, calls_per_s` rows (t in seconds,
	// or a duration; strictly increasing; rates >= 0). Empty means none.
	RateCurve RateCurve `toml:"rate_curve"`
	// Timestamps names a file of arrival times, one a line (seconds, exact
	// to the nanosecond, or RFC 3339; non-decreasing). Empty means none.
	Timestamps Timestamps `toml:"timestamps"`
	// Shape is how a rate curve runs between its rows: linear
	// (interpolated) or step (each row's rate holds until the next).
	// Empty means linear. After the last row its rate holds.
	Shape CurveShape `toml:"shape"`
	// Scale multiplies the traffic: a rate curve's rates, or the pace of
	// timestamps (times divided by Scale). > 0; zero means 1.
	Scale float64 `toml:"scale"`
	// Origin is the recorded time that becomes time 0 of the run: first
	// (the first row or timestamp) or zero (times are already since the
	// start of the run). Empty means first.
	Origin string `toml:"origin"`
	// Loop repeats the recording, every Period of recorded time.
	Loop bool `toml:"loop"`
	// Period is the length of one loop, in recorded time: at least the
	// time from the origin to the last row or timestamp. Zero means that
	// length (for timestamps, plus the mean gap between them, so that the
	// loops keep the recording's mean rate).
	Period time.Duration `toml:"period"`
}

// CurveShape is how a rate curve runs between its points.
type CurveShape string

// Curve shapes.
const (
	Linear CurveShape = "linear" // the rate moves linearly from row to row
	Step   CurveShape = "step"   // each row's rate holds until the next row
)

// Replay origins.
const (
	OriginFirst = "first"
	OriginZero  = "zero"
)

// Limits on recorded traffic.
const (
	// MaxCurvePoints is the most rows a rate curve may have.
	MaxCurvePoints = 100_000
	// MaxCurveSegments is the most rate segments a looped curve may make
	// over a run (rows x loops).
	MaxCurveSegments = 1 << 20
	// MaxTimestamps is the most arrival timestamps a file may hold. They
	// are kept as varint-coded gaps, a few bytes each.
	MaxTimestamps = 10_000_000
)

// Active reports whether the client replays a recording.
func (r *ReplayConfig) Active() bool {
	return r.RateCurve.Path != "" || r.Timestamps.Path != ""
}

// CurvePoint is one row of a rate curve: from At (ns of recorded time) the
// rate is Rate calls/s.
type CurvePoint struct {
	At   int64
	Rate float64
}

// RateCurve is a rate curve file: its name as the scenario gives it and,
// once loaded, its rows. The rows are shared by every copy of the
// configuration and never modified.
type RateCurve struct {
	Path   string
	points []CurvePoint
}

// Points returns the curve's rows (nil before it is loaded). The caller
// must not modify them.
func (c *RateCurve) Points() []CurvePoint { return c.points }

// MarshalText returns the path.
func (c RateCurve) MarshalText() ([]byte, error) { return []byte(c.Path), nil }

// LoadData reads the curve named name through open. On error the curve
// keeps the name but no rows.
func (c *RateCurve) LoadData(open sim.Opener, name string) error {
	*c = RateCurve{Path: name}
	var pts []CurvePoint
	err := sim.ReadData(open, name, true, func(line int, f []string) error {
		if len(f) != 2 {
			return fmt.Errorf("want 2 fields, t and calls_per_s (e.g. 12.5,340), got %d", len(f))
		}
		if len(pts) == MaxCurvePoints {
			return fmt.Errorf("more than %d rows (MaxCurvePoints)", MaxCurvePoints)
		}
		at, err := sim.ParseSeconds(f[0], "t")
		if err != nil {
			return err
		}
		r, err := sim.ParseCount(f[1], "calls_per_s")
		if err != nil {
			return err
		}
		if r > 1e9 {
			return fmt.Errorf("calls_per_s must be <= 1e9, got %s", f[1])
		}
		if n := len(pts); n > 0 && at <= pts[n-1].At {
			return fmt.Errorf("t must increase from row to row: %s is not after the previous row's %s",
				f[0], secs(pts[n-1].At))
		}
		pts = append(pts, CurvePoint{At: at, Rate: r})
		return nil
	})
	if err != nil {
		return err
	}
	if len(pts) == 0 {
		return &sim.DataError{File: name, Msg: "no rows (want `t, calls_per_s` lines)"}
	}
	c.Path, c.points = name, pts
	return nil
}

// Timestamps is an arrival timestamps file: its name as the scenario
// gives it and, once loaded, the times, held as the first time and
// varint-coded gaps (a few bytes per arrival). The data is shared by every
// copy of the configuration and never modified.
type Timestamps struct {
	Path  string
	first int64  // the first time, ns
	last  int64  // the last time, ns
	n     int    // how many
	gaps  []byte // n-1 uvarint gaps, ns
}

// MarshalText returns the path.
func (t Timestamps) MarshalText() ([]byte, error) { return []byte(t.Path), nil }

// Len returns how many timestamps there are.
func (t *Timestamps) Len() int { return t.n }

// First and Last return the first and last times, ns.
func (t *Timestamps) First() int64 { return t.first }

// Last returns the last time, ns.
func (t *Timestamps) Last() int64 { return t.last }

// Gap returns the gap (ns) coded at byte offset off and the offset of the
// next; off starts at 0 and there are Len()-1 gaps. It allocates nothing.
func (t *Timestamps) Gap(off int) (gap int64, next int) {
	g, k := binary.Uvarint(t.gaps[off:])
	return int64(g), off + k
}

// LoadData reads the timestamps named name through open. On error they
// keep the name but no times.
func (t *Timestamps) LoadData(open sim.Opener, name string) error {
	*t = Timestamps{Path: name}
	var (
		gaps  []byte
		n     int
		first int64
		prev  int64
	)
	err := sim.ReadData(open, name, true, func(line int, f []string) error {
		if len(f) != 1 {
			return fmt.Errorf("want one timestamp a line (seconds such as 1733450000.123456 or RFC 3339), got %d fields", len(f))
		}
		if n == MaxTimestamps {
			return fmt.Errorf("more than %d timestamps (MaxTimestamps)", MaxTimestamps)
		}
		at, err := parseStamp(f[0])
		if err != nil {
			return err
		}
		if n > 0 {
			if at < prev {
				return fmt.Errorf("timestamps must not go back: %s is before the previous line's %s", f[0], secs(prev))
			}
			gaps = binary.AppendUvarint(gaps, uint64(at-prev))
		} else {
			first = at
		}
		prev = at
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return &sim.DataError{File: name, Msg: "no timestamps (want one arrival time a line)"}
	}
	*t = Timestamps{Path: name, first: first, last: prev, n: n, gaps: gaps[:len(gaps):len(gaps)]}
	return nil
}

// parseStamp reads a timestamp: seconds (sim.ParseSeconds) or RFC 3339.
func parseStamp(s string) (int64, error) {
	if strings.Contains(s, "T") && strings.Count(s, "-") >= 2 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, fmt.Errorf("bad RFC 3339 timestamp %q (want e.g. 2026-12-06T04:17:03.123Z)", s)
		}
		return tm.UnixNano(), nil
	}
	return sim.ParseSeconds(s, "timestamp")
}

// secs formats ns as seconds for error messages.
func secs(ns int64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.9f", float64(ns)/1e9), "0"), ".")
}

// ReplayPeriod returns the length of one loop of the recording in recorded
// time (ns): Period if set, else the time from the origin to the last row
// or timestamp (for timestamps, plus their mean gap).
func (r *ReplayConfig) ReplayPeriod() int64 {
	if r.Period > 0 {
		return int64(r.Period)
	}
	o := r.originAt()
	if ts := &r.Timestamps; ts.n > 0 {
		span := ts.last - o
		if ts.n > 1 {
			span += (ts.last - ts.first) / int64(ts.n-1)
		}
		return span
	}
	pts := r.RateCurve.points
	return pts[len(pts)-1].At - o
}

// OriginAt returns the recorded time (ns) that is time 0 of the run.
func (r *ReplayConfig) OriginAt() int64 { return r.originAt() }

func (r *ReplayConfig) originAt() int64 {
	if r.Origin == OriginZero {
		return 0
	}
	if r.Timestamps.n > 0 {
		return r.Timestamps.first
	}
	if pts := r.RateCurve.points; len(pts) > 0 {
		return pts[0].At
	}
	return 0
}

// validate checks a client's replay (p is the client's path).
func (v *validator) replay(p string, cl *ClientConfig, runNs int64) {
	r := &cl.Replay
	if !r.Active() {
		if r.Shape != Linear || r.Origin != OriginFirst || r.Loop || r.Period != 0 || r.Scale != 1 {
			v.add(p+".replay", "shape, scale, origin, loop and period need a replay.rate_curve or replay.timestamps")
		}
		return
	}
	p += ".replay"
	if r.RateCurve.Path != "" && r.Timestamps.Path != "" {
		v.add(p, "set rate_curve or timestamps, not both")
		return
	}
	if cl.Model == Closed {
		v.add(p, "a replay gives the arrivals of an open or partly_open client; a closed client has users and think")
		return
	}
	if cl.Rate != 0 || len(cl.Schedule) > 0 {
		v.add(p, "a replay replaces rate and schedule; remove them from the client")
	}
	switch r.Shape {
	case Linear, Step:
	default:
		v.add(p+".shape", "must be one of linear, step, got %q", r.Shape)
	}
	if r.Timestamps.Path != "" && r.Shape != Linear {
		v.add(p+".shape", "is for a rate_curve; timestamps are replayed as they are")
	}
	if !(r.Scale > 0 && r.Scale <= 1e6) {
		v.add(p+".scale", "must be > 0 and <= 1e6 (a factor on the traffic), got %v", r.Scale)
	}
	switch r.Origin {
	case OriginFirst, OriginZero:
	default:
		v.add(p+".origin", "must be one of first, zero, got %q", r.Origin)
		return
	}
	switch {
	case r.RateCurve.Path != "" && r.RateCurve.points == nil:
		v.add(p+".rate_curve", "%q was not loaded (a scenario's data files are read when it is loaded)", r.RateCurve.Path)
		return
	case r.Timestamps.Path != "" && r.Timestamps.n == 0:
		v.add(p+".timestamps", "%q was not loaded (a scenario's data files are read when it is loaded)", r.Timestamps.Path)
		return
	}
	o := r.originAt()
	if r.Origin == OriginZero {
		if first := r.firstAt(); first < 0 {
			v.add(p+".origin", "is zero, but %s starts at a negative time (%ss)", r.path(), secs(first))
			return
		}
	}
	if r.Period < 0 {
		v.add(p+".period", "must be >= 0, got %v", r.Period)
	}
	if !r.Loop {
		if r.Period != 0 {
			v.add(p+".period", "is the length of a loop; set loop = true or remove it")
		}
		return
	}
	span := r.lastAt() - o
	if r.Period > 0 && int64(r.Period) < span {
		v.add(p+".period", "must be at least the recording's length from the origin (%ss), got %v", secs(span), r.Period)
	}
	per := r.ReplayPeriod()
	if per <= 0 {
		v.add(p+".loop", "the recording has no length to loop (one row or one timestamp); set period")
		return
	}
	if r.RateCurve.Path != "" {
		loops := math.Ceil(float64(runNs) * r.Scale / float64(per))
		if float64(len(r.RateCurve.points))*loops > MaxCurveSegments {
			v.add(p+".loop", "the curve's %d rows looped over the run make more than %d segments (MaxCurveSegments); shorten the run or set a longer period",
				len(r.RateCurve.points), MaxCurveSegments)
		}
	}
}

func (r *ReplayConfig) path() string {
	if r.Timestamps.Path != "" {
		return r.Timestamps.Path
	}
	return r.RateCurve.Path
}

func (r *ReplayConfig) firstAt() int64 {
	if r.Timestamps.n > 0 {
		return r.Timestamps.first
	}
	return r.RateCurve.points[0].At
}

func (r *ReplayConfig) lastAt() int64 {
	if r.Timestamps.n > 0 {
		return r.Timestamps.last
	}
	pts := r.RateCurve.points
	return pts[len(pts)-1].At
}

// applyDefaults fills a replay's unset keys.
func (r *ReplayConfig) applyDefaults() {
	if r.Shape == "" {
		r.Shape = Linear
	}
	if r.Scale == 0 {
		r.Scale = 1
	}
	if r.Origin == "" {
		r.Origin = OriginFirst
	}
}
