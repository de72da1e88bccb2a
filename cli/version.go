package cli

import "runtime/debug"

// version is set at build time with -ldflags "-X github.com/lumosgo/lumos/cli.version=1.2.3".
var version = ""

// Version is lumos's own version: the one set at build time, else the
// module version Go recorded, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
