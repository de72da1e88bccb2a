package cli

import (
	"os"
	"slices"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// fastCapability recognises the plain capability call, exactly
// `[<connector>] <capability> --json JSON` or `--json-file PATH` with no
// other flag and none of the connector's LUMOS_<APP>_ variables set, and
// returns its command; anything else (help, other flags,
// mistakes) returns nil and goes through a grammar, so what a user sees is
// the same either way (TestFastPathMatchesGrammar). The common call thus
// skips building the command-line grammar, most of a call's start-up.
func fastCapability(connector *toolkit.Integration, args []string) *capabilityCommand {
	if connector == nil {
		if len(args) == 0 {
			return nil
		}
		in, ok := toolkit.Lookup(args[0])
		if !ok {
			return nil
		}
		connector, args = in, args[1:]
	}
	if len(args) < 2 || os.Getenv("LUMOS_TRACE") != "" || hasConnectorEnv(connector) {
		return nil
	}
	name := toolkit.CapabilityName(args[0])
	if name == toolkit.CapInfo.Name() || !slices.Contains(connector.Capabilities(), name) {
		return nil
	}
	flag, value, inline := strings.Cut(args[1], "=")
	switch {
	case inline && len(args) == 2:
	case !inline && len(args) == 3:
		value = args[2]
	default:
		return nil
	}
	cmd := &capabilityCommand{integration: connector, name: name}
	switch {
	case flag == "--json" && !strings.HasPrefix(value, "-"):
		cmd.JSON = &value
	case flag == "--json-file" && (value == "-" || !strings.HasPrefix(value, "-")):
		cmd.JSONFile = &value
	default:
		return nil
	}
	return cmd
}
