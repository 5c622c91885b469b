package results

// Recovery is the recovery verdict and the numbers behind it. Goodput is
// the sum over all clients, per interval. The baseline is its mean over the
// complete intervals in [warm-up, first fault); the threshold is baseline x
// (1 - tolerance). After the last fault ends, the system has recovered at
// the first interval start t >= fault end at which the mean goodput over
// [t, t+hold) is at or above the threshold (one-sided: more is fine);
// RecoveryS is t - fault end.
type Recovery struct {
	// Verdict is the outcome; NoFaults when there was no fault.
	Verdict Verdict `json:"verdict"`
	// BaselineGoodput and BaselineOffered are calls/s before the first
	// fault.
	BaselineGoodput float64 `json:"baseline_goodput"`
	BaselineOffered float64 `json:"baseline_offered"`
	// Threshold is the goodput (calls/s) that counts as recovered.
	Threshold float64 `json:"threshold"`
	// Tolerance and HoldS are the settings used.
	Tolerance float64 `json:"tolerance"`
	HoldS     float64 `json:"hold_s"`
	// WarmupS is the warm-up skipped before the baseline (s).
	WarmupS float64 `json:"warmup_s"`
	// FirstFaultS is when the first fault started, FaultEndS when the last
	// one ended (s).
	FirstFaultS float64 `json:"first_fault_s"`
	FaultEndS   float64 `json:"fault_end_s"`
	// RecoveryS is the time to recover after FaultEndS (s), null unless
	// Verdict is Recovered.
	RecoveryS *float64 `json:"recovery_s"`
}

// Measured says which of r's numbers a run measured: faults is false
// without faults (no fault window: WarmupS, FirstFaultS and FaultEndS mean
// nothing), baseline false also when no complete interval came before the
// first fault (BaselineGoodput, BaselineOffered and Threshold mean
// nothing). The JSON summary writes what was not measured as null.
func (r *Recovery) Measured() (faults, baseline bool) {
	switch r.Verdict {
	case NoFaults:
		return false, false
	case NoBaseline:
		return true, false
	}
	return true, true
}
