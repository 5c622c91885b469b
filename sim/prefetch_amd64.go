package sim

// prefetch asks the processor to bring the slot at p into its cache
// without waiting for it (PREFETCHT0): a hint, with no effect on what
// the program computes.
//
//go:noescape
func prefetch(p *slot)
