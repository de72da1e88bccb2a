package toolkit

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

var (
	registryMu sync.RWMutex
	registry   = map[string]*Integration{}
)

// Register adds a connector to the process-wide registry, from which the
// lumos command finds it. It panics when in is nil, when another connector
// already has its app id, or when it has no capability; call it from init.
func Register(in *Integration) {
	if err := register(in); err != nil {
		panic(err)
	}
}

func register(in *Integration) error {
	if in == nil {
		return fmt.Errorf("lumos: Register called with a nil integration; build one with toolkit.NewIntegration")
	}
	if len(in.Capabilities()) < 2 { // app_info alone
		return fmt.Errorf("lumos: connector %q: no capability registered; call Handle (at least for %s) before Register", in.AppID(), CapValidateCredentials)
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[in.AppID()]; dup {
		return fmt.Errorf("lumos: connector %q is registered twice; each connector package must register once under its own app id", in.AppID())
	}
	registry[in.AppID()] = in
	return nil
}

// Lookup returns the registered connector with the given app id.
func Lookup(appID string) (*Integration, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	in, ok := registry[appID]
	return in, ok
}

// Integrations returns every registered connector, sorted by app id.
func Integrations() []*Integration {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]*Integration, 0, len(registry))
	for _, in := range registry {
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b *Integration) int { return strings.Compare(a.AppID(), b.AppID()) })
	return out
}
