package models

import (
	"math"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// curveSegments turns a client's recorded rate curve into rate segments
// (the same pieces a schedule makes), looped over the run if asked, so
// that the arrivals inside it are drawn exactly as under a schedule: by
// inverting the integrated rate, Exp(1)-spaced for poisson.
func curveSegments(r *config.ReplayConfig, end sim.Time) []segment {
	pts := r.RateCurve.Points()
	o := r.OriginAt()
	var per int64
	if r.Loop {
		per = r.ReplayPeriod()
	}
	// The segments run up to the first one that starts at or after the
	// end of the run, which stays (at rate 0) so that the last segment
	// before the end keeps its slope: the models read the last segment as
	// holding for ever.
	segs := make([]segment, 0, 8)
	for base := int64(0); ; base += per {
		if pts[0].At > o {
			segs = append(segs, segment{start: float64(base) / 1e9}) // before the curve: no traffic
			if base >= int64(end) {
				return segs
			}
		}
		for i, p := range pts {
			off := p.At - o
			if per > 0 && off >= per {
				break
			}
			if base+off >= int64(end) {
				return append(segs, segment{start: float64(base+off) / 1e9})
			}
			sg := segment{start: float64(base+off) / 1e9, r0: p.Rate * r.Scale}
			if r.Shape == config.Linear && i+1 < len(pts) {
				q := pts[i+1]
				sg.slope = (q.Rate - p.Rate) * r.Scale / (float64(q.At-p.At) / 1e9)
			}
			segs = append(segs, sg)
		}
		if per <= 0 {
			return segs
		}
	}
}

// replayCursor walks a client's recorded arrival timestamps, looped if
// asked; it allocates nothing.
type replayCursor struct {
	ts     *config.Timestamps
	origin int64   // recorded ns that is time 0 of the run
	period int64   // recorded ns per loop; 0: no loop
	scale  float64 // pace: run time = recorded time / scale
	off    int     // byte offset of the next gap
	i      int     // index of the current timestamp
	at     int64   // the current timestamp, recorded ns
	loop   int64   // loops done
	done   bool
}

func newReplayCursor(r *config.ReplayConfig) *replayCursor {
	rc := &replayCursor{ts: &r.Timestamps, origin: r.OriginAt(), scale: r.Scale, at: r.Timestamps.First()}
	if r.Loop {
		rc.period = r.ReplayPeriod()
	}
	return rc
}

// when returns the run time of the current timestamp, or ok false when
// the recording is over (or the time is beyond what sim.Time holds).
func (rc *replayCursor) when() (sim.Time, bool) {
	if rc.done {
		return 0, false
	}
	rel := float64(rc.at-rc.origin) + float64(rc.loop)*float64(rc.period)
	if rc.scale == 1 {
		if rc.loop > 0 && rel > math.MaxInt64/2 {
			return 0, false
		}
		return sim.Time(rc.at - rc.origin + rc.loop*rc.period), true
	}
	t := math.Round(rel / rc.scale)
	if t >= math.MaxInt64/2 {
		return 0, false
	}
	return sim.Time(t), true
}

// advance moves to the next timestamp.
func (rc *replayCursor) advance() {
	rc.i++
	if rc.i < rc.ts.Len() {
		var gap int64
		gap, rc.off = rc.ts.Gap(rc.off)
		rc.at += gap
		return
	}
	if rc.period <= 0 {
		rc.done = true
		return
	}
	rc.loop++
	rc.i, rc.off, rc.at = 0, 0, rc.ts.First()
}

// scheduleReplay schedules the client's next recorded arrival.
func (c *client) scheduleReplay() {
	w := c.w
	at, ok := c.replay.when()
	if !ok || at >= w.end {
		return
	}
	if at < w.s.Now() {
		at = w.s.Now()
	}
	c.next = w.s.At(at, onReplayArrival, c)
}

// onReplayArrival is the handler of a replaying client's next recorded
// arrival (arg is the client): it schedules the one after and issues it.
func onReplayArrival(arg any) {
	c := arg.(*client)
	c.replay.advance()
	c.scheduleReplay()
	c.unit()
}
