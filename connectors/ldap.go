//go:build !custom || connectors.ldap

package connectors

import _ "github.com/lumosgo/lumos/connectors/ldap" // registers the LDAP and Active Directory connector
