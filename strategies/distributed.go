package strategies

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// QuotaMode is how a replica of a DistributedLimiter admits between syncs.
// The zero QuotaMode is QuotaStaleView.
type QuotaMode uint8

// The quota modes.
const (
	// QuotaStaleView admits while the global estimate, as of the last sync
	// plus the replica's own unsynced admissions, is below the limit.
	// Replicas cannot see each other's admissions between syncs, so
	// together they over-admit by up to about (replicas − 1) × what each
	// admits in one sync interval.
	QuotaStaleView QuotaMode = iota
	// QuotaLocalShare admits while the replica's own sliding-window count
	// is below Limit/Replicas. It never over-admits but under-admits when
	// load is uneven across replicas; it needs no sync.
	QuotaLocalShare
)

var quotaModeNames = [...]string{"stale_view", "local_share"}

// String returns "stale_view" or "local_share".
func (m QuotaMode) String() string {
	if int(m) < len(quotaModeNames) {
		return quotaModeNames[m]
	}
	return fmt.Sprintf("quotamode(%d)", uint8(m))
}

// ParseQuotaMode returns the QuotaMode named s.
func ParseQuotaMode(s string) (QuotaMode, error) {
	for i, n := range quotaModeNames {
		if n == s {
			return QuotaMode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown quota mode %q: valid are stale_view, local_share", s)
}

// SharedQuotaConfig configures a SharedQuota and its replicas.
type SharedQuotaConfig struct {
	// Limit is the global number of requests allowed per Window, across all
	// replicas: in [1, 1e9].
	Limit int
	// Window is the rate window: in [1ms, 24h].
	Window time.Duration
	// Replicas is the number of replicas sharing the quota: in [1, 1e5].
	Replicas int
	// SyncInterval is how often each replica syncs with the shared counter
	// (the caller schedules Sync): in [1µs, 24h].
	SyncInterval time.Duration
	// Mode is how replicas admit between syncs.
	Mode QuotaMode
}

// SharedQuota is the shared data store of a distributed rate limit: the
// global counts of the current and previous windows, to which replicas add
// their admissions in batches (an atomic increment in a real store), read
// back as a sliding-window estimate (the single-process approximation,
// SlidingWindow). It models Vitillo, "Understanding Distributed Systems",
// rate-limiting section (REFERENCES §10, [NV: book not available here;
// paraphrase of recalled content]). The zero SharedQuota is not usable;
// call NewSharedQuota.
type SharedQuota struct {
	cfg        SharedQuotaConfig
	idx        int64
	prev, curr int64
	syncs      uint64
	replicas   int
}

// NewSharedQuota validates cfg and returns an empty store.
func NewSharedQuota(cfg SharedQuotaConfig) (*SharedQuota, error) {
	const s = "shared quota"
	if cfg.Limit < 1 || cfg.Limit > 1e9 {
		return nil, cfgErr(s, "Limit", "in [1, 1e9]", cfg.Limit)
	}
	if cfg.Window < time.Millisecond || cfg.Window > 24*time.Hour {
		return nil, cfgErr(s, "Window", "in [1ms, 24h]", cfg.Window)
	}
	if cfg.Replicas < 1 || cfg.Replicas > 1e5 {
		return nil, cfgErr(s, "Replicas", "in [1, 1e5]", cfg.Replicas)
	}
	if cfg.SyncInterval < time.Microsecond || cfg.SyncInterval > 24*time.Hour {
		return nil, cfgErr(s, "SyncInterval", "in [1µs, 24h]", cfg.SyncInterval)
	}
	if cfg.Mode > QuotaLocalShare {
		return nil, cfgErr(s, "Mode", "stale_view or local_share", cfg.Mode)
	}
	return &SharedQuota{cfg: cfg}, nil
}

func (q *SharedQuota) roll(now sim.Time) {
	i := int64(now) / int64(q.cfg.Window)
	switch {
	case i == q.idx+1:
		q.prev, q.curr = q.curr, 0
	case i > q.idx+1:
		q.prev, q.curr = 0, 0
	default:
		return
	}
	q.idx = i
}

// add credits n admissions made in window idx.
func (q *SharedQuota) add(now sim.Time, idx, n int64) {
	q.roll(now)
	switch idx {
	case q.idx:
		q.curr += n
	case q.idx - 1:
		q.prev += n
	}
}

// Estimate returns the global sliding-window count at now of every
// admission synced so far.
func (q *SharedQuota) Estimate(now sim.Time) float64 {
	q.roll(now)
	return slidingEstimate(now, q.cfg.Window, q.idx, float64(q.prev), float64(q.curr))
}

// Syncs returns the number of syncs made by all replicas: the coordination
// cost.
func (q *SharedQuota) Syncs() uint64 { return q.syncs }

// Config returns the quota's configuration.
func (q *SharedQuota) Config() SharedQuotaConfig { return q.cfg }

// DistributedLimiter is one replica's view of a SharedQuota (REFERENCES
// §10, Vitillo [NV]): it counts its admissions locally and, at each Sync,
// flushes them to the shared counter and reads the global counts back, so
// its admission decisions use a global view up to SyncInterval stale. In
// QuotaStaleView mode the staleness over-admits: between syncs each replica
// sees only its own new admissions. In QuotaLocalShare mode each replica
// keeps to Limit/Replicas on its own. If Sync is not called (the store is
// unreachable), the replica fails open on its last view, as the book
// advises. Rejected requests are not counted. Admission allocates nothing.
// The zero DistributedLimiter is not usable; call NewDistributedLimiter.
type DistributedLimiter struct {
	q   *SharedQuota
	idx int64 // window of the local counts below
	// unsynced admissions in windows idx-1 and idx
	pendPrev, pendCurr int64
	// own admissions (synced or not) in windows idx-1 and idx, for QuotaLocalShare
	ownPrev, ownCurr int64
	// the global counts read at the last sync, for window viewIdx and the one before
	viewIdx            int64
	viewPrev, viewCurr int64
	admitted, rejected uint64
	share              float64
}

// NewDistributedLimiter returns a new replica of q. At most
// q.Config().Replicas replicas may be made.
func NewDistributedLimiter(q *SharedQuota) (*DistributedLimiter, error) {
	if q.replicas >= q.cfg.Replicas {
		return nil, fmt.Errorf("distributed limiter: quota already has its %d replicas", q.cfg.Replicas)
	}
	q.replicas++
	return &DistributedLimiter{q: q, share: float64(q.cfg.Limit) / float64(q.cfg.Replicas)}, nil
}

func (d *DistributedLimiter) roll(now sim.Time) {
	i := int64(now) / int64(d.q.cfg.Window)
	switch {
	case i == d.idx+1:
		d.pendPrev, d.pendCurr = d.pendCurr, 0
		d.ownPrev, d.ownCurr = d.ownCurr, 0
	case i > d.idx+1:
		d.pendPrev, d.pendCurr = 0, 0
		d.ownPrev, d.ownCurr = 0, 0
	default:
		return
	}
	d.idx = i
}

// view returns the last-synced global counts for windows idx-1 and idx.
func (d *DistributedLimiter) view() (prev, curr int64) {
	switch d.viewIdx {
	case d.idx:
		return d.viewPrev, d.viewCurr
	case d.idx - 1:
		return d.viewCurr, 0
	}
	return 0, 0
}

// Estimate returns the replica's estimate of the global sliding-window
// count at now: its stale view plus its own unsynced admissions.
func (d *DistributedLimiter) Estimate(now sim.Time) float64 {
	d.roll(now)
	vp, vc := d.view()
	return slidingEstimate(now, d.q.cfg.Window, d.idx, float64(vp+d.pendPrev), float64(vc+d.pendCurr))
}

// AllowN reports whether n requests may pass at now, and counts them.
func (d *DistributedLimiter) AllowN(now sim.Time, n int) bool {
	var ok bool
	if d.q.cfg.Mode == QuotaLocalShare {
		d.roll(now)
		own := slidingEstimate(now, d.q.cfg.Window, d.idx, float64(d.ownPrev), float64(d.ownCurr))
		ok = own+float64(n-1) < d.share
	} else {
		ok = d.Estimate(now)+float64(n-1) < float64(d.q.cfg.Limit)
	}
	if !ok {
		d.rejected += uint64(n)
		return false
	}
	d.pendCurr += int64(n)
	d.ownCurr += int64(n)
	d.admitted += uint64(n)
	return true
}

// Sync flushes the replica's unsynced admissions to the shared counter and
// reads the global counts back.
func (d *DistributedLimiter) Sync(now sim.Time) {
	d.roll(now)
	d.q.add(now, d.idx-1, d.pendPrev)
	d.q.add(now, d.idx, d.pendCurr)
	d.pendPrev, d.pendCurr = 0, 0
	d.q.roll(now)
	d.viewIdx, d.viewPrev, d.viewCurr = d.q.idx, d.q.prev, d.q.curr
	d.q.syncs++
}

// Admitted returns the requests this replica has admitted.
func (d *DistributedLimiter) Admitted() uint64 { return d.admitted }

// Rejected returns the requests this replica has rejected.
func (d *DistributedLimiter) Rejected() uint64 { return d.rejected }

// DistributedRateLimitSpec is a rate limit shared by a service's
// replicas: Limit requests per Window in all, each replica admitting
// against its view of a shared counter that it syncs every SyncInterval
// (its own admissions since the last sync are all it sees of the others'
// progress). The staleness over-admits; the sync interval trades accuracy
// for coordination.
type DistributedRateLimitSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// Limit is the requests allowed per Window across all replicas.
	// Required, in [1, 1e9].
	Limit int `toml:"limit"`
	// Window is the rate window. Zero means 1s.
	Window time.Duration `toml:"window"`
	// SyncInterval is how often each replica syncs with the shared
	// counter. Required, in [1µs, 24h].
	SyncInterval time.Duration `toml:"sync_interval"`
	// Mode is stale_view (admit while the synced global count plus the
	// replica's own unsynced admissions is under Limit) or local_share
	// (each replica keeps to Limit/replicas on its own, no sync). Empty
	// means stale_view.
	Mode string `toml:"mode"`
}

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (d *DistributedRateLimitSpec) ApplyDefaults() {
	if d.Window == 0 {
		d.Window = time.Second
	}
	if d.Mode == "" {
		d.Mode = QuotaStaleView.String()
	}
}

// Config returns the strategy's configuration, checked by building the
// strategy; an error is a *FieldError naming the key at fault.
func (d *DistributedRateLimitSpec) Config(replicas int) (SharedQuotaConfig, error) {
	mode, err := ParseQuotaMode(d.Mode)
	if err != nil {
		return SharedQuotaConfig{}, &FieldError{Path: "mode", Msg: "must be one of stale_view, local_share, got " + quote(d.Mode)}
	}
	cfg := SharedQuotaConfig{Limit: d.Limit, Window: d.Window, Replicas: replicas, SyncInterval: d.SyncInterval, Mode: mode}
	_, err = NewSharedQuota(cfg)
	return cfg, AsFieldError(err, map[string]string{"Limit": "limit", "Window": "window", "SyncInterval": "sync_interval", "Replicas": "limit"})
}

// Validate checks every key (after ApplyDefaults) for one replica; the
// scenario's validation checks Config with the service's replicas.
func (d *DistributedRateLimitSpec) Validate() error { _, err := d.Config(1); return err }

// Key returns the table's scenario key, "distributed_rate_limit".
func (*DistributedRateLimitSpec) Key() string { return "distributed_rate_limit" }
