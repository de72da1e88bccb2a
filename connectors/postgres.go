//go:build !custom || connectors.postgres

package connectors

import _ "github.com/lumosgo/lumos/connectors/postgres" // registers the PostgreSQL connector
