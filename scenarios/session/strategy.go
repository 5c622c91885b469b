package session

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/format"
	"github.com/stampede-sim/stampede/strategies"
)

// StrategySetting is one strategy's configuration on one entity of the
// world: the values of a few keys of that entity (the strategy's table,
// or a queue order and its parameters). The strategy knob (v/x) turns a
// setting on (the keys take Values) or off (they take their zero value,
// which in the scenario format means "none").
type StrategySetting struct {
	// Name labels the setting ("breaker users", "order api lifo").
	Name string
	// Entity is "clients.NAME", "services.NAME", "services.NAME.calls.I"
	// (a downstream call edge, by index) or "caches.NAME".
	Entity string
	// Keys are toml paths relative to the entity ("breaker",
	// "queue.order"); the first one turns the strategy on.
	Keys []string
	// Values are the keys' values when the strategy is on, in Keys order.
	Values []any
}

// Path returns the scenario path of the key that turns the strategy on
// ("clients.users.breaker").
func (s StrategySetting) Path() string { return s.Entity + "." + s.Keys[0] }

// The strategies the knob looks for, by entity, in the order it offers
// them: the registry's knobs for the entity's scope (a cache has its
// backend edge's strategies too). Retries are the a/A knob.
var (
	callStrats    = strategies.Knobs(strategies.OnEdge)
	serviceStrats = strategies.Knobs(strategies.OnService)
	cacheStrats   = strategies.Knobs(strategies.OnEdge | strategies.OnCache)
)

// Defaults offered for a client or service whose scenario configures
// none of these anywhere: a gRPC retry budget, a breaker with
// resilience4j's window that stays open 5 s (its default minute outlasts
// most scenarios' faults), and shedding at four times the workers held
// per replica (in service and waiting).
var (
	defaultBudget  = &strategies.BudgetSpec{Kind: strategies.BudgetTokenBucket}
	defaultBreaker = &strategies.BreakerSpec{OpenFor: 5 * time.Second}
)

func defaultShed(s *config.ServiceConfig) *strategies.ShedSpec {
	return &strategies.ShedSpec{Concurrency: 4 * max(s.Workers, 1)}
}

// entity is one place strategies live in a configuration.
type entity struct {
	path  string // "clients.users"
	name  string // "users", "api->db"
	kinds []strategies.Knob
}

// entities lists the places of cfg where the knob looks for strategies,
// in configuration order: clients, services with their call edges,
// caches.
func entities(cfg *config.Config) []entity {
	var out []entity
	for _, c := range cfg.Clients {
		out = append(out, entity{"clients." + c.Name, c.Name, callStrats})
	}
	for _, s := range cfg.Services {
		out = append(out, entity{"services." + s.Name, s.Name, serviceStrats})
		for j, c := range s.Calls {
			out = append(out, entity{"services." + s.Name + ".calls." + strconv.Itoa(j), s.Name + "->" + c.Target, callStrats})
		}
	}
	for _, c := range cfg.Caches {
		out = append(out, entity{"caches." + c.Name, c.Name, cacheStrats})
	}
	return out
}

// StrategyMenu returns the settings a strategy knob cycles through, for
// the variants of a scenario (names and configurations, the base first):
// every strategy configured in the scenario, on the base or in a
// variant (a setting that differs between variants is offered once per
// setting, named after the first variant that has it), then, for a
// client or service on which the scenario configures none of them, the
// TUI's defaults (a retry budget and a breaker on each client, shedding
// on each service). Entities are those of the first variant (the base).
func StrategyMenu(names []string, cfgs []config.Config) []StrategySetting {
	if len(cfgs) == 0 {
		return nil
	}
	base := &cfgs[0]
	var out []StrategySetting
	for _, e := range entities(base) {
		var found []StrategySetting
		var from []string
		for _, k := range e.kinds {
			n := len(found)
			for v := range cfgs {
				st, ok := settingIn(&cfgs[v], e, k)
				if !ok || slices.ContainsFunc(found[n:], func(f StrategySetting) bool { return reflect.DeepEqual(f.Values, st.Values) }) {
					continue
				}
				found = append(found, st)
				from = append(from, names[v])
			}
			// settings that would read the same are told apart by the
			// variant they come from
			var shared []bool
			for i := n; i < len(found); i++ {
				same := 0
				for j := n; j < len(found); j++ {
					if found[j].Name == found[i].Name {
						same++
					}
				}
				shared = append(shared, same > 1)
			}
			for i, sh := range shared {
				if sh {
					found[n+i].Name += " (" + from[n+i] + ")"
				}
			}
		}
		if len(found) == 0 {
			found = defaultSettings(base, e)
		}
		out = append(out, found...)
	}
	return out
}

// settingIn returns strategy k of entity e as cfg configures it, if it
// is on there.
func settingIn(cfg *config.Config, e entity, k strategies.Knob) (StrategySetting, bool) {
	st := StrategySetting{Entity: e.path, Keys: k.Keys, Name: k.Label + " " + e.name}
	for i, key := range k.Keys {
		f, ok := entityField(cfg, e.path, key)
		if !ok || i == 0 && f.IsZero() {
			return StrategySetting{}, false
		}
		st.Values = append(st.Values, f.Interface())
	}
	if k.Keys[0] == "queue.order" {
		if st.Values[0] == config.FIFO {
			return StrategySetting{}, false
		}
		st.Name = "order " + e.name + " " + fmt.Sprint(st.Values[0])
	}
	return st, true
}

// defaultSettings are the TUI's own settings for an entity the scenario
// configures no strategy on (clients and services only).
func defaultSettings(cfg *config.Config, e entity) []StrategySetting {
	switch {
	case strings.HasPrefix(e.path, "clients."):
		return []StrategySetting{
			{Name: "budget " + e.name, Entity: e.path, Keys: []string{"budget"}, Values: []any{defaultBudget}},
			{Name: "breaker " + e.name, Entity: e.path, Keys: []string{"breaker"}, Values: []any{defaultBreaker}},
		}
	case strings.HasPrefix(e.path, "services.") && !strings.Contains(e.path, ".calls."):
		i := slices.IndexFunc(cfg.Services, func(s config.ServiceConfig) bool { return "services."+s.Name == e.path })
		return []StrategySetting{{Name: "shed " + e.name, Entity: e.path, Keys: []string{"shed"}, Values: []any{defaultShed(&cfg.Services[i])}}}
	}
	return nil
}

// Enabled reports whether cfg has st exactly (every key at its value).
func (st StrategySetting) Enabled(cfg *config.Config) bool {
	for i, key := range st.Keys {
		f, ok := entityField(cfg, st.Entity, key)
		if !ok || !reflect.DeepEqual(f.Interface(), st.Values[i]) {
			return false
		}
	}
	return true
}

// setStrategy turns st on or off in cfg, which must share no slice of
// entities with anything else (WithInterventions clones them). Pointer
// values are copied, so that cfg shares no table with st.
func setStrategy(cfg *config.Config, st StrategySetting, on bool) {
	for i, key := range st.Keys {
		f, ok := entityField(cfg, st.Entity, key)
		if !ok || !f.CanSet() {
			continue
		}
		if !on {
			f.SetZero()
			continue
		}
		v := reflect.ValueOf(st.Values[i])
		if !v.IsValid() {
			f.SetZero()
			continue
		}
		if v.Kind() == reflect.Pointer && !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(v.Elem())
			v = p
		}
		if v.Type().AssignableTo(f.Type()) {
			f.Set(v)
		}
	}
}

// entityField finds the field at key (a set path) of the entity at path
// in cfg ("clients.users", "services.api.calls.0", "caches.c"), without
// changing cfg.
func entityField(cfg *config.Config, path, key string) (reflect.Value, bool) {
	return format.Lookup(cfg, path+"."+key)
}
