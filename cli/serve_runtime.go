//go:build lumos_runtime

package cli

// serveCommands is empty in runtime builds (see serve.go).
//
//lint:ignore U1000 embedded in rootCommand, which kong reads by reflection
type serveCommands struct{}

// serving is false in runtime builds: serve is not a command there.
func (s start) serving() bool { return false }

// runServe is never called in runtime builds.
func runServe(start, *Streams) int { return ExitUsage }
