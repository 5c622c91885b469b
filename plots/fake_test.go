package plots

import (
	"math"
	"sort"

	"github.com/stampede-sim/stampede/models/results"
)

// noise is a deterministic pseudo-random value in [-1, 1) for (seed, i):
// test data that does not depend on any generator's algorithm.
func noise(seed, i uint64) float64 {
	x := seed*0x9e3779b97f4a7c15 + i*0xbf58476d1ce4e5b9 + 1
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11)/float64(1<<52) - 1
}

// storm is how a synthetic variant behaves around a slowdown.
type storm struct {
	name       string
	amplify    float64 // attempts per call at the worst point
	recoverAtS float64 // when goodput is back; +Inf: never
	collapse   float64 // fraction of goodput left at the worst point
}

// fakeRuns returns synthetic results of a retry storm: durS seconds at
// 1 s intervals, 300 calls/s offered, a slowdown of api from 60 s for
// 20 s (scaled to durS), one run per storm.
func fakeRuns(durS int, storms []storm) []Run {
	const rate = 300.0
	scale := float64(durS) / 300
	f0, f1 := 60*scale, 80*scale
	runs := make([]Run, len(storms))
	for v, s := range storms {
		n := durS
		cs := results.CallSeries{Name: "total", Failed: map[string]results.Values{}}
		svc := results.ServiceSeries{Name: "api"}
		t := make(results.Values, n)
		mk := func() results.Values { return make(results.Values, n) }
		cs.Offered, cs.Attempts, cs.Amplification = mk(), mk(), mk()
		cs.Succeeded, cs.Goodput, cs.Throughput, cs.InFlight = mk(), mk(), mk(), mk()
		cs.P50, cs.P90, cs.P99, cs.P999 = mk(), mk(), mk(), mk()
		svc.QueueMean, svc.QueueMax, svc.Busy, svc.Capacity = mk(), mk(), mk(), mk()
		timeout, full := mk(), mk()
		var calls, attempts, good, failedT, failedQ float64
		for i := 0; i < n; i++ {
			x := float64(i)
			t[i] = x
			off := rate * (1 + 0.05*noise(1, uint64(i)))
			// badness in [0, 1]: 0 healthy, 1 the worst of the storm.
			bad := 0.0
			switch {
			case x >= f0 && x < f1:
				bad = math.Min(1, (x-f0+1)/(5*scale))
			case x >= f1 && x < s.recoverAtS*scale:
				bad = 1
				if !math.IsInf(s.recoverAtS, 1) {
					bad = 1 - (x-f1)/(s.recoverAtS*scale-f1)
				}
			}
			amp := 1 + (s.amplify-1)*bad
			g := off * (1 - (1-s.collapse)*bad) * (1 + 0.02*noise(uint64(v)+7, uint64(i)))
			cs.Offered[i] = off
			cs.Attempts[i] = off * amp
			cs.Amplification[i] = amp
			cs.Goodput[i], cs.Succeeded[i] = g, g
			cs.Throughput[i] = math.Min(off*amp, 400)
			cs.InFlight[i] = 6 + 60*bad*amp
			p50 := 0.02 * (1 + 8*bad) * (1 + 0.05*noise(uint64(v)+3, uint64(i)))
			cs.P50[i], cs.P90[i], cs.P99[i], cs.P999[i] = p50, p50*2.3, p50*4.6, p50*6.9
			if bad > 0.98 && s.collapse < 0.05 && i%7 == 0 {
				cs.P50[i], cs.P90[i], cs.P99[i], cs.P999[i] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			}
			timeout[i] = (off - g) * 0.8
			full[i] = (off - g) * 0.2
			svc.QueueMean[i] = 3 + 500*bad
			svc.QueueMax[i] = 6 + 500*bad
			svc.Capacity[i] = 8
			svc.Busy[i] = math.Min(8, 6+4*bad)
			calls += off
			attempts += off * amp
			good += g
			failedT += timeout[i]
			failedQ += full[i]
		}
		cs.Failed["timeout"] = timeout
		cs.Failed["queue_full"] = full
		res := &results.Results{
			Seed: 1, DurationS: float64(n), EndS: float64(n), IntervalS: 1,
			Series: results.Series{T: t, Total: cs, Clients: []results.CallSeries{cs}, Services: []results.ServiceSeries{svc}},
			Faults: []results.FaultWindow{{Kind: "slowdown", Target: "api", StartS: f0, EndS: f1}},
		}
		sum := &res.Summary
		sum.Calls, sum.Attempts, sum.Succeeded = results.Count(calls), results.Count(attempts), results.Count(good)
		sum.Amplification = results.Ratio(attempts / calls)
		sum.Goodput = good / float64(n)
		sum.Failed = map[string]results.Count{"timeout": results.Count(failedT), "queue_full": results.Count(failedQ)}
		k := 1 + (s.amplify-1)*0.5
		sum.Latency = results.Latency{Mean: 0.03 * k, P50: 0.021 * k, P90: 0.05 * k, P99: 0.12 * k, P999: 0.4 * k, Max: 1.9 * k}
		sum.Services = map[string]results.ServiceSummary{"api": {Utilization: 0.8, WastedWork: 30 * (s.amplify - 1) * scale}}
		sum.Recovery = results.Recovery{Verdict: results.NotRecovered, BaselineGoodput: rate, BaselineOffered: rate,
			Threshold: 0.9 * rate, Tolerance: 0.1, HoldS: 10, WarmupS: 12, FirstFaultS: f0, FaultEndS: f1}
		if !math.IsInf(s.recoverAtS, 1) {
			r := s.recoverAtS*scale - f1
			sum.Recovery.Verdict = results.Recovered
			sum.Recovery.RecoveryS = &r
			sum.RecoveryS = &r
			yes := true
			sum.Recovered = &yes
		} else {
			no := false
			sum.Recovered = &no
		}
		runs[v] = Run{Name: s.name, Results: res}
	}
	return runs
}

var stormVariants = []storm{
	{name: "no retries", amplify: 1, recoverAtS: 84, collapse: 0.3},
	{name: "3 retries", amplify: 3.4, recoverAtS: math.Inf(1), collapse: 0.02},
	{name: "retries + budget", amplify: 1.2, recoverAtS: 95, collapse: 0.25},
}

// fakeSweep is a congestion-collapse sweep: goodput against offered
// load for three variants, with replication intervals.
func fakeSweep(replicated bool) SweepData {
	d := SweepData{Title: "Congestion collapse", Param: "offered load (calls/s)", Metric: "goodput (calls/s)", Diagonal: "goodput = offered"}
	knees := []struct {
		name       string
		knee, fall float64
	}{{"no retries", 400, 0.15}, {"3 retries", 330, 0.85}, {"retries + budget", 390, 0.3}}
	for v, k := range knees {
		s := SweepSeries{Name: k.name}
		for x := 50.0; x <= 600; x += 50 {
			var ys []float64
			for rep := uint64(0); rep < 5; rep++ {
				y := x
				if x > k.knee {
					y = k.knee - (x-k.knee)*k.fall*(1+0.5*(x-k.knee)/k.knee)*3
				}
				y = math.Max(y, 5) * (1 + 0.04*noise(uint64(v)*100+rep, uint64(x)))
				ys = append(ys, y)
				if !replicated {
					break
				}
			}
			s.Points = append(s.Points, SweepPointOf(x, ys))
		}
		d.Series = append(d.Series, s)
	}
	return d
}

// fakeStability is a stability map over load and fault duration, for
// one variant.
func fakeStability() StabilityData { return fakeStabilityOf(map[string]float64{"3 retries": 0}) }

// fakeStabilityOf has one map per variant, each shifted towards stability
// by its value (in units of "risk"), in name order.
func fakeStabilityOf(shift map[string]float64) StabilityData {
	d := StabilityData{
		Title: "Metastability: retries against load and fault length", XParam: "offered load (share of capacity)", YParam: "slowdown length",
		XUnit: Fraction, YUnit: Seconds,
		X: []float64{0.5, 0.6, 0.7, 0.8, 0.9, 0.95},
		Y: []float64{5, 10, 20, 40, 80},
	}
	names := make([]string, 0, len(shift))
	for n := range shift {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		var cells [][]StabilityCell
		for j, y := range d.Y {
			row := make([]StabilityCell, len(d.X))
			for i, x := range d.X {
				risk := x*1.6 + math.Log10(y)*0.35 - 1.1 - shift[name]
				c := StabilityCell{Runs: 5}
				switch {
				case risk < 0.45:
					c.Recovered = 5
					c.RecoveryS = 2 + 60*risk*risk + float64(j)
					c.Verdict = results.Recovered
				case risk < 0.6:
					c.Recovered = 5 - int((risk-0.45)*30)
					c.RecoveryS = 30 + float64(i)
					c.Verdict = results.NotRecovered
				default:
					c.Verdict = results.NotRecovered
				}
				if x >= 0.95 && y >= 80 {
					c.Verdict = results.CollapsedBeforeFault
				}
				row[i] = c
			}
			cells = append(cells, row)
		}
		d.Maps = append(d.Maps, StabilityGrid{Name: name, Cells: cells})
	}
	return d
}

// withHistograms gives each run a synthetic latency histogram: n calls of
// a lognormal body (median 20 ms x k, sigma 0.5) with a share tail of
// them in a slow mode (median 400 ms x k, sigma 0.3), k growing with the
// run's index, in buckets 1/64 of an octave wide; the quantiles and the
// maximum are set from the histogram, as models would.
func withHistograms(runs []Run, n, tail float64) []Run {
	cdf := func(x, median, sigma float64) float64 {
		return 0.5 * math.Erfc(-math.Log(x/median)/(sigma*math.Sqrt2))
	}
	for v := range runs {
		k := 1 + 0.5*float64(v)
		l := results.Latency{Mean: 0.025 * k}
		var cum float64
		qs := []float64{0.5, 0.9, 0.99, 0.999}
		at := []*float64{&l.P50, &l.P90, &l.P99, &l.P999}
		for i := 0; ; i++ {
			upper := 0.001 * math.Pow(2, float64(i)/64)
			f := (1-tail)*cdf(upper, 0.02*k, 0.5) + tail*cdf(upper, 0.4*k, 0.3)
			c := math.Round(f*n) - cum
			if c > 0 {
				cum += c
				l.Histogram = append(l.Histogram, [2]float64{upper, c})
				for j, q := range qs {
					if *at[j] == 0 && cum >= q*n {
						*at[j] = upper
					}
				}
			}
			if cum >= n {
				l.Max = upper * 0.995
				break
			}
		}
		runs[v].Results.Summary.Latency = l
	}
	return runs
}
