package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// ksCrit is the Kolmogorov-Smirnov critical value at alpha = 0.001 for
// samples of sizes n and m (m = 0: one sample against a known CDF).
func ksCrit(n, m int) float64 {
	const c = 1.949 // sqrt(-ln(0.001/2)/2)
	if m == 0 {
		return c / math.Sqrt(float64(n))
	}
	return c * math.Sqrt(float64(n+m)/float64(n*m))
}

// ks2 is the two-sample KS distance between sorted a and b.
func ks2(a, b []float64) float64 {
	i, j, d := 0, 0, 0.0
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

// sortedDraws returns n sorted draws of d, ns.
func sortedDraws(d Dist, n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0))
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(d.Sample(r))
	}
	slices.Sort(out)
	return out
}

// lognormalData is n lognormal service times (median 20ms, sigma 0.6),
// sorted, as a recorded data set.
func lognormalData(n int) []float64 {
	d := MustParseDist("lognormal(20ms, 0.6)")
	return sortedDraws(d, n, 42)
}

func TestSamplesKS(t *testing.T) {
	// Draws from samples(@FILE) match the data in the file: the
	// two-sample KS distance is below the critical value at alpha 0.001,
	// and the same test tells the data from the data stretched by 10%.
	data := lognormalData(2000)
	var b strings.Builder
	b.WriteString("# service time, seconds\n")
	for _, x := range data {
		fmt.Fprintf(&b, "%.9f\n", x/1e9)
	}
	d, err := ParseDistWith("samples(@lat.txt)", stringOpener(map[string]string{"lat.txt": b.String()}))
	if err != nil {
		t.Fatal(err)
	}
	got := sortedDraws(d, 20000, 1)
	crit := ksCrit(len(data), len(got))
	if D := ks2(data, got); D > crit {
		t.Errorf("KS distance between draws and their data %.4f > critical %.4f", D, crit)
	}
	stretched := make([]float64, len(data))
	for i, x := range data {
		stretched[i] = x * 1.1
	}
	if D := ks2(stretched, got); D <= crit {
		t.Errorf("KS distance to data stretched by 10%% is %.4f <= critical %.4f: the test cannot fail", D, crit)
	}
	if got[0] < data[0] || got[len(got)-1] > data[len(data)-1] {
		t.Errorf("draws leave the data's range [%v, %v]: [%v, %v]", data[0], data[len(data)-1], got[0], got[len(got)-1])
	}
}

func TestHistogramKS(t *testing.T) {
	// A histogram of recorded data, as Prometheus (le, cumulative) and
	// OpenTelemetry (buckets, per bucket) carry it: the draws' KS distance
	// to the histogram's CDF (linear inside buckets) is below the critical
	// value, and at every bucket bound the draws' share matches the
	// data's.
	data := lognormalData(5000)
	bounds := []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 15 * time.Millisecond, 20 * time.Millisecond,
		30 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond}
	counts := make([]int, len(bounds))
	for _, x := range data {
		for i, bd := range bounds {
			if x <= float64(bd) {
				counts[i]++
				break
			}
		}
	}
	var per, cum, file []string
	total := 0
	for i, bd := range bounds {
		total += counts[i]
		per = append(per, fmt.Sprintf("%v: %d", bd, counts[i]))
		cum = append(cum, fmt.Sprintf("%v: %d", bd, total))
		file = append(file, fmt.Sprintf("%g,%d", bd.Seconds(), total))
	}
	if total != len(data) {
		t.Fatalf("the bounds leave %d samples out", len(data)-total)
	}
	open := stringOpener(map[string]string{"h.csv": "le,count\n" + strings.Join(file, "\n") + "\n+Inf," + fmt.Sprint(total) + "\n"})
	for _, s := range []string{
		"buckets(" + strings.Join(per, ", ") + ")",
		"le(" + strings.Join(cum, ", ") + ", +Inf: " + fmt.Sprint(total) + ")",
		"le(@h.csv)",
	} {
		d, err := ParseDistWith(s, open)
		if err != nil {
			t.Fatal(err)
		}
		e := d.(*empiricalDist)
		got := sortedDraws(d, 20000, 3)
		D := 0.0
		for i, x := range got {
			c := e.CDF(time.Duration(x))
			D = max(D, math.Abs(c-float64(i)/float64(len(got))), math.Abs(c-float64(i+1)/float64(len(got))))
		}
		if crit := ksCrit(len(got), 0); D > crit {
			t.Errorf("%.40s...: KS distance to the histogram %.4f > critical %.4f", s, D, crit)
		}
		below := 0
		for i, bd := range bounds {
			below += counts[i]
			n, _ := slices.BinarySearch(got, float64(bd)+0.5)
			share, want := float64(n)/float64(len(got)), float64(below)/float64(len(data))
			if math.Abs(share-want) > ksCrit(len(got), len(data)) {
				t.Errorf("%.40s...: %.4f of draws <= %v, data has %.4f", s, share, bd, want)
			}
		}
	}
}

func TestEmpiricalMoments(t *testing.T) {
	// Mean and Variance are exact: a bucket is uniform on its width.
	d := MustParseDist("buckets(10ms: 1, 30ms: 3)") // 1/4 U(0,10ms) + 3/4 U(10ms,30ms)
	mean := 0.25*0.005 + 0.75*0.020
	m2 := 0.25*(0.01*0.01)/3 + 0.75*(0.01*0.01+0.01*0.03+0.03*0.03)/3
	if math.Abs(d.Mean()-mean) > 1e-15 || math.Abs(d.Variance()-(m2-mean*mean)) > 1e-15 {
		t.Errorf("mean %v variance %v, want %v %v", d.Mean(), d.Variance(), mean, m2-mean*mean)
	}
	s := MustParseDist("samples(10ms, 20ms, 40ms)") // U(10,20) and U(20,40) half each
	if want := 0.5*0.015 + 0.5*0.030; math.Abs(s.Mean()-want) > 1e-15 {
		t.Errorf("samples mean %v, want %v", s.Mean(), want)
	}
	one := MustParseDist("samples(7ms)")
	if one.Sample(rand.New(rand.NewPCG(1, 1))) != 7*time.Millisecond || one.Variance() != 0 {
		t.Errorf("one sample is not a point mass")
	}
}

func TestEmpiricalRoundTripAndAllocs(t *testing.T) {
	for _, s := range []string{"buckets(5ms: 120, 10ms: 300, 25ms: 0.5)", "le(1ms: 1, 2ms: 3)", "samples(1ms, 2.5ms, 900us)"} {
		d := MustParseDist(s)
		d2, err := ParseDist(d.String())
		if err != nil || d2.String() != d.String() || d2.Mean() != d.Mean() {
			t.Errorf("%s: String %q does not read back (%v)", s, d.String(), err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		if a := testing.AllocsPerRun(1000, func() { d.Sample(r) }); a != 0 {
			t.Errorf("%s: %v allocations per sample", s, a)
		}
	}
}

func TestEmpiricalErrors(t *testing.T) {
	open := stringOpener(map[string]string{
		"neg.csv":  "0.005,3\n0.01,-1\n",
		"back.csv": "0.01,3\n0.005,4\n",
		"le.csv":   "0.005,3\n0.01,2\n",
		"inf.csv":  "0.005,3\n+Inf,5\n",
		"s.txt":    "0.1\nfast\n",
		"empty":    "# nothing\n",
	})
	for in, want := range map[string]string{
		"buckets(5ms: 1, 5ms: 2)": "col 17: bucket bounds must increase: 5ms is not above the previous bound 5ms",
		"buckets(5ms: -1)":        "col 14: a bucket count must be >= 0, got -1",
		"buckets(5ms: 0)":         "col 1: buckets has no samples: its counts add up to 0",
		"le(5ms: 3, 10ms: 2)":     "col 12: le counts are cumulative and must not decrease: 2 after 3",
		"le(5ms: 3, +Inf: 4)":     "col 12: 1 samples lie above the last finite bound (5ms)",
		"buckets(5ms 3)":          `col 13: expected ":" and the bucket's count after its bound, got "3"`,
		"samples()":               `col 9: expected a sample such as 12ms, got ")"`,
		"samples(1ms, -2ms)":      "col 14: a sample must be >= 0, got -2ms",
		"buckets(@neg.csv)":       "col 9: neg.csv:2: count must be >= 0, got -1",
		"buckets(@back.csv)":      "col 9: back.csv:2: bucket bounds must increase: 5ms is not above the previous bound 10ms",
		"le(@le.csv)":             "col 4: le.csv:2: le counts are cumulative and must not decrease: 2 after 3",
		"le(@inf.csv)":            "col 4: inf.csv:2: 2 samples lie above the last finite bound (5ms)",
		"samples(@s.txt)":         `col 9: s.txt:2: sample: want a number of seconds or a duration such as 250ms, got "fast"`,
		"samples(@empty)":         "col 9: empty: no samples (want one value a line)",
		"samples(@missing.txt)":   "col 9: missing.txt: cannot open",
		"samples(@)":              "col 9: expected a file name after @",
	} {
		_, err := ParseDistWith(in, open)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", in, err, want)
		}
	}
	if _, err := ParseDist("samples(@x.txt)"); err == nil || !strings.Contains(err.Error(), "cannot be read here") {
		t.Errorf("a file without an opener: %v", err)
	}
}
