//go:build lumos_runtime

package cli

// devCommands is empty in runtime builds (see devcommands.go).
//
//lint:ignore U1000 embedded in rootCommand, which kong reads by reflection
type devCommands struct{}
