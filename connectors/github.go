//go:build !custom || connectors.github

package connectors

import _ "github.com/lumosgo/lumos/connectors/github" // registers the GitHub connector
