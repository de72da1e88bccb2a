// Package connectors links every connector into the binary: each file
// blank-imports one connector package, whose init registers it. Build with
// -tags custom,connectors.<app_id> to keep only the connectors named.
package connectors
