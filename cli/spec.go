package cli

import (
	"bytes"

	"github.com/lumosgo/lumos/openapi"
)

// specCommand prints the OpenAPI document of the whole protocol, as
// upstream's `connector spec` does. Importing openapi also installs the
// builder behind every connector's app_info.
type specCommand struct {
	Format  string `enum:"yaml,json" default:"yaml" help:"Output format: ${enum}."`
	OpenAPI string `name:"openapi" enum:"3.0,3.1" default:"3.0" help:"OpenAPI version of the document: ${enum}."`
}

// Run writes the document and a newline to stdout.
func (c *specCommand) Run(s *Streams) error {
	doc, err := openapi.Spec(Version(), openapi.Version(c.OpenAPI))
	if err != nil {
		return err
	}
	out, err := doc.Encode(openapi.Format(c.Format))
	if err != nil {
		return err
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	_, err = s.Stdout.Write(out)
	return err
}
