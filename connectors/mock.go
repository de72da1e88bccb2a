//go:build !custom || connectors.mock

package connectors

import _ "github.com/lumosgo/lumos/mock" // registers the mock connector
