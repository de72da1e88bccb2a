//go:build !custom || connectors.mock_oauth

package connectors

import _ "github.com/lumosgo/lumos/mock/mockoauth" // registers the mock's OAuth variant, mock-oauth
