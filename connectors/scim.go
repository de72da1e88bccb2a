//go:build !custom || connectors.scim

package connectors

import _ "github.com/lumosgo/lumos/connectors/scim" // registers the generic SCIM 2.0 connector
