package sim

import "math/rand/v2"

// Rand returns a new random stream named name. Its PCG state derives only
// from the simulator's seed and the name, so adding, removing or reordering
// other streams never changes this one's draws: components and variants
// keep common random numbers. Asking twice for the same name returns two
// generators that produce the same sequence.
func (s *Sim) Rand(name string) *rand.Rand { return rand.New(s.pcg(name)) }

// Stream returns a new random stream named name as a *Stream: the
// stream Rand(name) returns, with its faster exponential draws.
func (s *Sim) Stream(name string) *Stream { return NewStream(s.pcg(name)) }

// pcg returns the PCG state of a new stream named name, kept for Branch.
func (s *Sim) pcg(name string) *rand.PCG {
	h1, h2 := streamKey(s.seed, name)
	p := rand.NewPCG(h1, h2)
	s.streams = append(s.streams, named{name: name, pcg: p})
	return p
}

// named is a named stream handed out by Rand or Stream, kept so that
// Branch can re-key it.
type named struct {
	name string
	pcg  *rand.PCG
}

// Branch re-keys every stream Rand and Stream have handed out so far:
// from now on each draws as the stream of its name in a simulator seeded
// with a seed mixed with salt. Two copies of a run branched at the same
// point with different salts go on with unrelated draws; with the same
// salt, with the same draws. Multilevel splitting uses it to start new trajectories from
// a state reached by replaying a prefix (Garvels 2000, sec. 2.3).
func (s *Sim) Branch(salt uint64) {
	seed := s.seed ^ splitmix(salt^0x6a09e667f3bcc909)
	for _, st := range s.streams {
		st.pcg.Seed(streamKey(seed, st.name))
	}
}

// NewRand returns the stream Sim.Rand(name) would give a simulator seeded
// with seed.
func NewRand(seed uint64, name string) *rand.Rand {
	h1, h2 := streamKey(seed, name)
	return rand.New(rand.NewPCG(h1, h2))
}

// streamKey hashes (seed, name) to two 64-bit words with FNV-1a followed by
// SplitMix64 finalisers, so that similar names give unrelated states.
func streamKey(seed uint64, name string) (uint64, uint64) {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= prime
	}
	return splitmix(seed ^ splitmix(h)), splitmix(h ^ 0x9e3779b97f4a7c15 ^ splitmix(seed+1))
}

// splitmix is the SplitMix64 finaliser (Steele, Lea, Flood 2014).
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
