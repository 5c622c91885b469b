package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"time"
)

// noRetryLength is the slowdown of the third case, without retries.
const noRetryLength = 10 * time.Second

// validateWhatIf finds, in the simulator, the slowdown length that tips
// the fitted system into a retry storm it does not leave, then runs the
// real system below and above it and compares the verdicts and the
// recovery times.
func validateWhatIf(w, stderr io.Writer, baseFile string, base []byte, capacity float64, out string, seed uint64) (bool, error) {
	fmt.Fprintf(w, "\n### What-if: db slows down %dx at %s, clients retry without budget\n\n", whatFactor, whatAt)
	fmt.Fprintf(w, "Client policy: timeout %s, %d attempts, no backoff, no budget; the pool sizes and queue limits are given (a calm run cannot show them).\n\n",
		whatTimeout, whatAttempts)
	const seeds = 3
	step := 500 * time.Millisecond
	tip := time.Duration(0)
	var search []string
	for l := step; l <= 12*time.Second; l += step {
		frac, _, err := simulate(baseFile, base, l, whatAttempts, 0, seeds)
		if err != nil {
			return false, err
		}
		search = append(search, fmt.Sprintf("%s: %.0f%%", l, 100*frac))
		if frac < 0.5 {
			tip = l
			break
		}
	}
	fmt.Fprintf(w, "Simulated search for the tipping length (runs of %d seeds that recovered): %v\n\n", seeds, search)
	if tip == 0 {
		fmt.Fprintf(w, "The fitted system recovers from every slowdown up to 12 s: no tipping point to check.\n")
		return false, nil
	}
	below := max(step, (tip * 2 / 5).Round(step))
	above := (tip * 5 / 2).Round(step)
	fmt.Fprintf(w, "Tipping length in the simulator: between %s and %s. Checked in reality at %s (below) and %s (above), and at %s with no retries at 80%% of db's capacity.\n\n", tip-step, tip, below, above, noRetryLength)
	fmt.Fprintf(w, "| slowdown | | recovered | recovery time | baseline goodput | verdict |\n|---|---|---|---|---|---|\n")
	ok := true
	// The third case has a recovery time to compare: no retries, 80% of
	// db's capacity and a long slowdown, whose backlog times calls out
	// for a few seconds after db is fast again.
	cases := []struct {
		length   time.Duration
		attempts int
		rate     float64
	}{{below, whatAttempts, 0}, {above, whatAttempts, 0}, {noRetryLength, 1, 0.8 * capacity}}
	for i, cs := range cases {
		l := cs.length
		frac, simT, err := simulate(baseFile, base, l, cs.attempts, cs.rate, seeds)
		if err != nil {
			return false, err
		}
		total := whatAt + l + whatAfter
		rate := cs.rate
		if rate == 0 {
			rate = 0.5 * dbCapacity
		}
		cfg := config{load: load{rate: rate, duration: total, timeout: whatTimeout, attempts: cs.attempts, seed: seed + 10 + uint64(i)},
			slow: &slowdown{at: whatAt, length: l, factor: whatFactor}, out: filepath.Join(out, fmt.Sprintf("whatif-%s-%d", l, cs.attempts)), stderr: stderr}
		res, err := runSystem(cfg)
		if err != nil {
			return false, err
		}
		rec, realT, baseGood := realRecovery(res.calls, whatAt, whatAt+l, total)
		simRec := frac >= 0.5
		good := simRec == rec
		if good && rec {
			good = agreeRecovery(simT, realT)
		}
		ok = ok && good
		fmt.Fprintf(w, "| %s x%d, %.0f calls/s, %d attempts | real | %t | %s | %.1f/s (%s) | |\n", l, whatFactor, rate, cs.attempts, rec, secs(realT), baseGood, res.stall)
		fmt.Fprintf(w, "| | simulated | %t (%d of %d seeds) | %s (mean) | | %s |\n", simRec, int(math.Round(frac*seeds)), seeds, secs(simT), verdict(good))
	}
	fmt.Fprintf(w, "\nBars: the same verdict; recovery times within a factor of %g (or both within one 1 s interval, the judgement's resolution).\n", recoveryBar)
	return ok, nil
}

// agreeRecovery holds two recovery times to the bar.
func agreeRecovery(sim, real float64) bool {
	if math.IsNaN(sim) || math.IsNaN(real) {
		return false
	}
	if sim <= 1 && real <= 1 {
		return true
	}
	lo, hi := min(sim, real), max(sim, real)
	return lo > 0 && hi/lo <= recoveryBar
}

func secs(s float64) string {
	if math.IsNaN(s) {
		return "-"
	}
	return fmt.Sprintf("%.1f s", s)
}
