// Package postgres is the PostgreSQL connector, app id "postgres": one
// PostgreSQL cluster is a tenant. Roles are accounts, role memberships and
// object privileges (on databases, schemas, tables, sequences and
// functions) are entitlements, read from the system catalogs and granted or
// revoked with GRANT/REVOKE.
//
// Identifiers (see README.md in this folder) are built from object OIDs,
// which survive renames:
//
//   - accounts: the role's OID, e.g. "16384";
//   - resources: "" (the cluster), "db:<oid>", "schema:<db oid>:<oid>",
//     "table:<db oid>:<oid>", "sequence:<db oid>:<oid>",
//     "function:<db oid>:<oid>" (a function, procedure or aggregate: its
//     OID tells overloads apart);
//   - entitlements: "role:<oid>" (membership of that role, on the cluster),
//     "<resource id>:<PRIVILEGE>" (a privilege on that object), e.g.
//     "db:16390:CONNECT" or "table:16390:16412:SELECT".
//
// The one credential is basic: a PostgreSQL role name and its password
// (empty when the server authenticates the role by the TLS client
// certificate of the client_certificate and client_key settings).
package postgres

import (
	"crypto/tls"
	"crypto/x509"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// Version is the connector's version.
const Version = "0.1.0"

// CredentialBasic is the id of the one credential: a role name and password
// (the password may be empty with client-certificate authentication).
const CredentialBasic = "basic"

// Resource types.
const (
	ResourceTypeCluster  = "cluster"  // the cluster itself, resource id ""
	ResourceTypeDatabase = "database" // a database, "db:<oid>"
	ResourceTypeSchema   = "schema"   // a schema, "schema:<db oid>:<oid>"
	ResourceTypeTable    = "table"    // a table, view, materialized view or foreign table, "table:<db oid>:<oid>"
	ResourceTypeSequence = "sequence" // a sequence, "sequence:<db oid>:<oid>"
	ResourceTypeFunction = "function" // a function, procedure, aggregate or window function, "function:<db oid>:<oid>"
)

// Entitlement types.
const (
	EntitlementTypeRoleMember        = "role_member"        // membership of a role, "role:<oid>" on the cluster
	EntitlementTypeDatabasePrivilege = "database_privilege" // "db:<oid>:<PRIVILEGE>"
	EntitlementTypeSchemaPrivilege   = "schema_privilege"   // "schema:<db oid>:<oid>:<PRIVILEGE>"
	EntitlementTypeTablePrivilege    = "table_privilege"    // "table:<db oid>:<oid>:<PRIVILEGE>"
	EntitlementTypeSequencePrivilege = "sequence_privilege" // "sequence:<db oid>:<oid>:<PRIVILEGE>"
	EntitlementTypeFunctionPrivilege = "function_privilege" // "function:<db oid>:<oid>:EXECUTE"
)

// Values of the object_kinds setting.
const (
	KindDatabases = "databases"
	KindSchemas   = "schemas"
	KindTables    = "tables"
	KindSequences = "sequences"
	KindFunctions = "functions" // functions, procedures, aggregates and window functions
)

// Values of the sslmode setting (libpq's, but allow).
const (
	SSLDisable    = "disable"
	SSLPrefer     = "prefer"
	SSLRequire    = "require"
	SSLVerifyCA   = "verify-ca"
	SSLVerifyFull = "verify-full"
)

// Values of the sslcertmode setting (libpq's, PostgreSQL 16).
const (
	CertModeDisable = "disable" // never present the client certificate
	CertModeAllow   = "allow"   // present it when the server asks for one
	CertModeRequire = "require" // present it, and fail when the server does not ask for one
)

// MaxPageSize is the largest Lumos page size served.
const MaxPageSize = 10_000

// DefaultPageSize is the page size when a listing asks for none.
const DefaultPageSize = 100

// Settings are the PostgreSQL connector's settings.
type Settings struct {
	Host                  string   `json:"host" required:"true" title:"Host" description:"The server's host name or IP address."`
	Port                  int      `json:"port" default:"5432" title:"Port" description:"The server's TCP port."`
	Database              string   `json:"database" default:"postgres" title:"Database" description:"The database the connector connects to; its schemas and tables are inspected."`
	ExtraDatabases        []string `json:"extra_databases" title:"Other databases to inspect" description:"Names of further databases whose schemas and tables are listed (each needs a connection of its own)."`
	SSLMode               string   `json:"sslmode" default:"prefer" enum:"disable,prefer,require,verify-ca,verify-full" title:"SSL mode" description:"As libpq's sslmode: disable, prefer (TLS when the server offers it), require (TLS, certificate not checked unless a CA is given), verify-ca (certificate checked against the CA), verify-full (certificate and host name checked)."`
	CACertificate         string   `json:"ca_certificate" title:"CA certificate (PEM)" description:"The PEM certificate(s) of the CA that signed the server's certificate, for verify-ca and verify-full (the system's CAs when empty)."`
	ClientCertificate     string   `json:"client_certificate" title:"Client certificate (PEM)" description:"The PEM certificate the connector presents to the server (libpq's sslcert), optionally followed by its intermediate CA certificates; for servers whose pg_hba.conf asks for a client certificate (the cert method, or clientcert=verify-ca/verify-full). Needs client_key, and an sslmode other than disable."`
	ClientKey             string   `json:"client_key" secret:"true" title:"Client private key (PEM)" description:"The PEM private key of client_certificate (libpq's sslkey): PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 RSA (BEGIN RSA PRIVATE KEY) or SEC 1 EC (BEGIN EC PRIVATE KEY); or encrypted, with client_key_password: PKCS#8 with PBES2 (BEGIN ENCRYPTED PRIVATE KEY) or OpenSSL's traditional encryption (Proc-Type: 4,ENCRYPTED)."`
	ClientKeyPassword     string   `json:"client_key_password" secret:"true" title:"Client private key password" description:"The passphrase that decrypts an encrypted client_key (libpq's sslpassword); ignored when the key is not encrypted. Needs client_key."`
	SSLCertMode           string   `json:"sslcertmode" default:"allow" enum:"disable,allow,require" title:"Client certificate mode" description:"As libpq's sslcertmode (PostgreSQL 16): disable (never present client_certificate), allow (present it when the server asks for one), require (present it, and fail when the server does not ask for a certificate)."`
	CRL                   string   `json:"crl" title:"Certificate revocation lists (PEM)" description:"PEM certificate revocation lists (BEGIN X509 CRL), libpq's sslcrl: checked whenever the server's chain is (verify-ca, verify-full, or prefer and require with ca_certificate); each CA of the chain then needs a current CRL here, signed by it, and a revoked certificate fails the connection."`
	ObjectKinds           []string `json:"object_kinds" title:"Object kinds" description:"Which objects are resources with privilege entitlements: any of databases, schemas, tables, sequences, functions (functions include procedures, aggregates and window functions). Default databases and schemas."`
	IncludeSystemRoles    bool     `json:"include_system_roles" title:"Include system roles" description:"List PostgreSQL's predefined roles (names starting with pg_) as accounts and entitlements."`
	ListNoLoginRoles      bool     `json:"list_nologin_roles" title:"List roles that cannot log in" description:"List every role as an account, those without LOGIN as suspended; by default only roles that can log in are accounts."`
	ConnectTimeoutSeconds int      `json:"connect_timeout_seconds" default:"10" title:"Connect timeout (seconds)" description:"How long connecting to the server may take."`

	pair     *tls.Certificate       // the client certificate and its key, read by decodeSettings
	plainKey []byte                 // the DER of client_key decrypted with client_key_password (a secret)
	crls     []*x509.RevocationList // the crl setting, parsed by decodeSettings
}

// CreateAccountPayload is create_account's payload: the standard fields
// (username is the new role's name) and the role's password.
type CreateAccountPayload struct {
	toolkit.CreateAccount
	Password *string `json:"password" secret:"true" description:"The new role's password; the server stores only a SCRAM-SHA-256 verifier of it, computed by the connector. No password when absent."`
}

// Integration returns the PostgreSQL connector, built on first use and registered under the app id "postgres".
var Integration = sync.OnceValue(build)

func init() { toolkit.RegisterLazy("postgres", Integration) }

// build declares the connector and attaches its capabilities.
func build() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:   "postgres",
		Version: Version,
		Credentials: []toolkit.CredentialConfig{
			{ID: CredentialBasic, Type: toolkit.AuthBasic, Description: "A PostgreSQL role name and its password (see README.md for the privileges it needs); the password may be empty when the server logs the role in by its client certificate (settings client_certificate and client_key)."},
		},
		Settings:    Settings{},
		MaxPageSize: MaxPageSize,
		Description: toolkit.DescriptionData{
			UserFriendlyName: "PostgreSQL",
			Description:      "A PostgreSQL cluster: roles as accounts, role memberships and privileges on databases, schemas, tables, sequences and functions as entitlements.",
			Categories:       []toolkit.AppCategory{toolkit.CategoryITAndSecurity},
		},
		ResourceTypes: []toolkit.ResourceType{
			{TypeID: ResourceTypeCluster, TypeLabel: "Cluster"},
			{TypeID: ResourceTypeDatabase, TypeLabel: "Database"},
			{TypeID: ResourceTypeSchema, TypeLabel: "Schema"},
			{TypeID: ResourceTypeTable, TypeLabel: "Table"},
			{TypeID: ResourceTypeSequence, TypeLabel: "Sequence"},
			{TypeID: ResourceTypeFunction, TypeLabel: "Function"},
		},
		EntitlementTypes: []toolkit.EntitlementType{
			{TypeID: EntitlementTypeRoleMember, TypeLabel: "Role member", ResourceTypeID: "", Min: 0},
			{TypeID: EntitlementTypeDatabasePrivilege, TypeLabel: "Database privilege", ResourceTypeID: ResourceTypeDatabase, Min: 0},
			{TypeID: EntitlementTypeSchemaPrivilege, TypeLabel: "Schema privilege", ResourceTypeID: ResourceTypeSchema, Min: 0},
			{TypeID: EntitlementTypeTablePrivilege, TypeLabel: "Table privilege", ResourceTypeID: ResourceTypeTable, Min: 0},
			{TypeID: EntitlementTypeSequencePrivilege, TypeLabel: "Sequence privilege", ResourceTypeID: ResourceTypeSequence, Min: 0},
			{TypeID: EntitlementTypeFunctionPrivilege, TypeLabel: "Function privilege", ResourceTypeID: ResourceTypeFunction, Min: 0},
		},
		ErrorHandlers: []errs.Rule{{Match: errs.Is[*pgconn.PgError](), Handler: errs.HandlerFunc(describePgError)}},
	})

	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials, toolkit.WithDescription(
		"Connect and read the cluster's system identifier (pg_control_system()); unique_tenant_id is "+
			"\"pg:<system_identifier>\", or \"pg:<host>:<port>\" when the function may not be executed."))
	toolkit.Handle(in, toolkit.CapListAccounts, listAccounts, toolkit.WithDescription(
		"List roles that can log in (or every role with list_nologin_roles), by OID, one catalog query per page."))
	toolkit.Handle(in, toolkit.CapGetAccount, getAccount, toolkit.WithDescription("Read one role by OID, with its direct and inherited role memberships."))
	toolkit.Handle(in, toolkit.CapListResources, listResources, toolkit.WithDescription(
		"List the cluster (id \"\"), then the databases, schemas, tables, sequences and functions of the object_kinds setting, by OID."))
	toolkit.Handle(in, toolkit.CapListEntitlements, listEntitlements, toolkit.WithDescription(
		"List one role_member entitlement per group role, then one privilege entitlement per object and privilege."))
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, findEntitlementAssociations, toolkit.WithDescription(
		"List direct role memberships (pg_auth_members) and direct privilege grants (the objects' ACLs through aclexplode), paged by OIDs."))
	toolkit.Handle(in, toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations, toolkit.WithDescription(
		"List one role's direct memberships and privilege grants."))
	toolkit.HandleEntitlementChanges(in, changeEntitlement,
		[]toolkit.CapabilityOption{toolkit.WithDescription("GRANT the role or the privilege; a noop when it is already granted directly.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription("REVOKE the role or the privilege; a noop when it is not granted directly.")})
	toolkit.HandleExtended(in, toolkit.CapCreateAccount, createAccount, toolkit.WithDescription(
		"CREATE ROLE … LOGIN (NOLOGIN when user_status is not ACTIVE) with a SCRAM-SHA-256 password verifier, then grant the entitlements asked for."))
	toolkit.HandleAccountActivation(in, changeActivation,
		[]toolkit.CapabilityOption{toolkit.WithDescription("ALTER ROLE … LOGIN; a noop when the role can already log in.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription("ALTER ROLE … NOLOGIN; a noop when the role cannot log in.")})
	toolkit.Handle(in, toolkit.CapDeleteAccount, deleteAccount, toolkit.WithDescription(
		"DROP ROLE; refused (bad_request) naming what the role still owns or holds privileges on; a noop when the role is gone."))
	return in
}
