package toolkit

// Unregister removes a connector from the registry, so a test can register
// broken connectors without breaking later tests that build every one.
func Unregister(appID string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	delete(registry, appID)
}
