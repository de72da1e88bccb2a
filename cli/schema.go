package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// schemaCommand prints the JSON Schema of one capability's request or response.
type schemaCommand struct {
	Capability string `arg:"" name:"capability" help:"The capability, e.g. list_accounts."`
	Response   bool   `name:"response" help:"Print the schema of the response document instead of the request."`

	integration *toolkit.Integration
}

// Run prints the schema, indented, to stdout.
func (c *schemaCommand) Run(s *Streams) error {
	s2, err := c.integration.JSONSchema(toolkit.CapabilityName(c.Capability), c.Response)
	if err != nil {
		names := make([]string, 0)
		for _, n := range c.integration.Capabilities() {
			names = append(names, string(n))
		}
		return usageError{fmt.Sprintf("unknown capability %q; %s has: %s", c.Capability, c.integration.AppID(), strings.Join(names, ", "))}
	}
	out, err := json.MarshalIndent(s2, "", "  ")
	if err != nil {
		return err
	}
	_, err = s.Stdout.Write(append(out, '\n'))
	return err
}
