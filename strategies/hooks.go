package strategies

import (
	"math/rand/v2"
	"reflect"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// The hook interfaces: what models calls a strategy through, at the
// lifecycle points of the registry's Hooks. A Spec whose strategy acts at
// a replica's door is a DoorSpec; models builds one Door per replica and
// calls the doors of a service in the order of its Specs (registry
// order), after the strategies it wires itself.

// Arrival is what a replica's arrival hooks know of a request arriving.
type Arrival struct {
	// Priority is the request's criticality.
	Priority Priority
	// Queued is the requests waiting at the replica, Inside those waiting
	// and in service.
	Queued, Inside int
}

// Door is a service strategy's arrival hook (HookArrival) at one replica.
type Door interface {
	// Admit decides on a request arriving at now: ReasonOK with a zero
	// wait lets it go on at once, ReasonOK with a wait holds it that long
	// first (traffic shaping), and any other reason rejects it.
	Admit(now sim.Time, a *Arrival) (Reason, time.Duration)
}

// ReplicaEnv is what building a strategy for one replica of a service may
// use.
type ReplicaEnv struct {
	// Replica is the replica's index, Replicas the service's count.
	Replica, Replicas int
	// Rand is the replica's random stream for this strategy.
	Rand *rand.Rand
}

// DoorSpec is a Spec whose strategy acts at a replica's door.
type DoorSpec interface {
	Spec
	// NewDoor returns the strategy's door at one replica.
	NewDoor(ReplicaEnv) (Door, error)
}

// Specs returns the tables that are set among specs (a nil pointer is a
// table left out), in order; a scenario entity lists its tables with it.
func Specs(specs ...Spec) []Spec {
	out := specs[:0:0]
	for _, s := range specs {
		if s != nil && !reflect.ValueOf(s).IsNil() {
			out = append(out, s)
		}
	}
	return out
}
