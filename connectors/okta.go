//go:build !custom || connectors.okta

package connectors

import _ "github.com/lumosgo/lumos/connectors/okta" // registers the Okta connector
