package cli

import "github.com/lumosgo/lumos/openapi"

// specCommand prints the OpenAPI document of the whole protocol, as
// upstream's `connector spec` does. Importing openapi also installs the
// builder behind every connector's app_info.
type specCommand struct {
	Format  string `enum:"yaml,json" default:"yaml" help:"Output format: ${enum}."`
	OpenAPI string `name:"openapi" enum:"3.0,3.1" default:"3.0" help:"OpenAPI version of the document: ${enum}."`
}

// Run writes the document (rendered at build time, see openapi.Generated)
// to stdout.
func (c *specCommand) Run(s *Streams) error {
	out, err := openapi.Generated(openapi.Version(c.OpenAPI), openapi.Format(c.Format))
	if err != nil {
		return err
	}
	_, err = s.Stdout.Write(out)
	return err
}
