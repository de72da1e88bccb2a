package toolkit

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// entry is one registered connector: built already (Register) or on first
// use (RegisterLazy).
type entry struct {
	appID string
	build func() *Integration // returns the same integration every time; panics as the build did
}

var (
	registryMu sync.RWMutex
	registry   = map[string]*entry{}
)

// Register adds a connector to the process-wide registry, from which the
// lumos command finds it. It panics when in is nil, when another connector
// already has its app id, or when it has no capability; call it from init.
func Register(in *Integration) {
	if in == nil {
		panic(fmt.Errorf("lumos: Register called with a nil integration; build one with toolkit.NewIntegration"))
	}
	if err := checkBuilt(in, in.AppID()); err != nil {
		panic(err)
	}
	if err := add(&entry{appID: in.AppID(), build: func() *Integration { return in }}); err != nil {
		panic(err)
	}
}

// RegisterLazy adds the connector appID, which build returns, to the
// process-wide registry without building it: build runs once, when the
// connector is first looked up, so a process pays only for the connector
// it runs. Call it from init. It panics at once when appID is not a valid
// app id or is taken; a build that panics, returns nil, returns another
// app id or registers no capability panics, naming the connector, on first
// use; connectortest.Conformance and the connectors package's tests build
// every registered connector, so `go test ./...` finds a broken one.
func RegisterLazy(appID string, build func() *Integration) {
	if err := CheckAppID(appID); err != nil {
		panic(fmt.Errorf("lumos: RegisterLazy: %w", err))
	}
	if build == nil {
		panic(fmt.Errorf("lumos: connector %q: RegisterLazy called with a nil build function", appID))
	}
	checked := sync.OnceValue(func() *Integration {
		in := build()
		if in == nil {
			panic(fmt.Errorf("lumos: connector %q: its build function returned nil; return the integration from toolkit.NewIntegration", appID))
		}
		if err := checkBuilt(in, appID); err != nil {
			panic(err)
		}
		return in
	})
	if err := add(&entry{appID: appID, build: checked}); err != nil {
		panic(err)
	}
}

// checkBuilt checks a built connector before it is handed out.
func checkBuilt(in *Integration, appID string) error {
	if in.AppID() != appID {
		return fmt.Errorf("lumos: connector %q: its build function returned the integration %q; register it under its own app id", appID, in.AppID())
	}
	if len(in.Capabilities()) < 2 { // app_info alone
		return fmt.Errorf("lumos: connector %q: no capability registered; call Handle (at least for %s) before Register", in.AppID(), CapValidateCredentials)
	}
	return nil
}

func add(e *entry) error {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[e.appID]; dup {
		return fmt.Errorf("lumos: connector %q is registered twice; each connector package must register once under its own app id", e.appID)
	}
	registry[e.appID] = e
	return nil
}

// Lookup returns the registered connector with the given app id, building
// it first when it was registered with RegisterLazy.
func Lookup(appID string) (*Integration, bool) {
	registryMu.RLock()
	e, ok := registry[appID]
	registryMu.RUnlock()
	if !ok {
		return nil, false
	}
	return e.build(), true
}

// Registered reports whether a connector has the app id, without building it.
func Registered(appID string) bool {
	registryMu.RLock()
	defer registryMu.RUnlock()
	_, ok := registry[appID]
	return ok
}

// AppIDs returns the app ids of every registered connector, sorted, without
// building any of them.
func AppIDs() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for id := range registry {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Integrations returns every registered connector, sorted by app id,
// building those not built yet.
func Integrations() []*Integration {
	ids := AppIDs()
	out := make([]*Integration, 0, len(ids))
	for _, id := range ids {
		if in, ok := Lookup(id); ok {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(a, b *Integration) int { return strings.Compare(a.AppID(), b.AppID()) })
	return out
}
