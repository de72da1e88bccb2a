//go:build lumos_runtime

package cli

// devCommands is empty in runtime builds (see devcommands.go).
type devCommands struct{}
