package postgres

import (
	"slices"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// Privileges per kind of object, in the order they are listed.
var (
	databasePrivileges = []string{"CONNECT", "CREATE", "TEMPORARY"}
	schemaPrivileges   = []string{"CREATE", "USAGE"}
	tablePrivileges    = []string{"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"}
	sequencePrivileges = []string{"SELECT", "UPDATE", "USAGE"}
	functionPrivileges = []string{"EXECUTE"}
)

// oidKinds are the kinds of object whose id is "<prefix>:<db oid>:<oid>",
// by prefix.
var oidKinds = map[string]string{
	"schema": ResourceTypeSchema, "table": ResourceTypeTable, "sequence": ResourceTypeSequence, "function": ResourceTypeFunction,
}

// object is a resource of the cluster: the cluster itself (Kind ""), a
// database (DB), or a schema, table, sequence or function (DB and OID).
type object struct {
	Kind string // "", ResourceTypeDatabase, ResourceTypeSchema, ResourceTypeTable, ResourceTypeSequence, ResourceTypeFunction
	DB   uint32 // the database's OID
	OID  uint32 // the object's OID in that database (0 for a database)
}

// id is the object's resource id.
func (o object) id() string {
	switch o.Kind {
	case ResourceTypeDatabase:
		return "db:" + u32(o.DB)
	case ResourceTypeSchema, ResourceTypeTable, ResourceTypeSequence, ResourceTypeFunction:
		return o.Kind + ":" + u32(o.DB) + ":" + u32(o.OID)
	}
	return ""
}

// privileges are the privileges that exist on the object's kind.
func (o object) privileges() []string {
	switch o.Kind {
	case ResourceTypeDatabase:
		return databasePrivileges
	case ResourceTypeSchema:
		return schemaPrivileges
	case ResourceTypeTable:
		return tablePrivileges
	case ResourceTypeSequence:
		return sequencePrivileges
	case ResourceTypeFunction:
		return functionPrivileges
	}
	return nil
}

// entitlementType is the type of the privilege entitlements on the object.
func (o object) entitlementType() string {
	switch o.Kind {
	case ResourceTypeDatabase:
		return EntitlementTypeDatabasePrivilege
	case ResourceTypeSchema:
		return EntitlementTypeSchemaPrivilege
	case ResourceTypeTable:
		return EntitlementTypeTablePrivilege
	case ResourceTypeSequence:
		return EntitlementTypeSequencePrivilege
	case ResourceTypeFunction:
		return EntitlementTypeFunctionPrivilege
	}
	return EntitlementTypeRoleMember
}

func u32(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// parseOID reads a canonical decimal OID (no sign, no leading zeros, not 0).
func parseOID(s string) (uint32, bool) {
	v, err := strconv.ParseUint(s, 10, 32)
	return uint32(v), err == nil && v != 0 && strconv.FormatUint(v, 10) == s
}

// parseResourceID reads a resource id back.
func parseResourceID(id string) (object, error) {
	if id == "" {
		return object{}, nil
	}
	parts := strings.Split(id, ":")
	bad := errs.Newf(errs.NotFound, "Unknown resource id %q: resources are \"\", db:<oid>, or schema:, table:, sequence: or function: followed by <db oid>:<oid>.", id)
	kind, ok := oidKinds[parts[0]]
	switch {
	case parts[0] == "db" && len(parts) == 2:
		db, ok := parseOID(parts[1])
		if !ok {
			return object{}, bad
		}
		return object{Kind: ResourceTypeDatabase, DB: db}, nil
	case ok && len(parts) == 3:
		db, ok1 := parseOID(parts[1])
		oid, ok2 := parseOID(parts[2])
		if !ok1 || !ok2 {
			return object{}, bad
		}
		return object{Kind: kind, DB: db, OID: oid}, nil
	}
	return object{}, bad
}

// entitlement is a parsed entitlement id: membership of Role, or Privilege
// on Object.
type entitlement struct {
	Role      uint32
	Object    object
	Privilege string
}

// roleEntitlementID is the id of membership of the role with OID oid.
func roleEntitlementID(oid uint32) string { return "role:" + u32(oid) }

// privilegeEntitlementID is the id of privilege priv on o.
func privilegeEntitlementID(o object, priv string) string { return o.id() + ":" + priv }

// parseEntitlementID reads an entitlement id back and checks it against
// the resource id it was given with. TEMP is read as TEMPORARY, and
// privileges in any case.
func parseEntitlementID(id, resourceID string) (entitlement, error) {
	if rest, ok := strings.CutPrefix(id, "role:"); ok {
		oid, ok := parseOID(rest)
		if !ok || resourceID != "" {
			return entitlement{}, errs.Newf(errs.NotFound, "Unknown entitlement id %q on resource %q: role memberships are role:<oid> on the resource \"\".", id, resourceID)
		}
		return entitlement{Role: oid}, nil
	}
	cut := strings.LastIndexByte(id, ':')
	if cut < 0 {
		return entitlement{}, errs.Newf(errs.NotFound, "Unknown entitlement id %q: entitlements are role:<oid> or <resource id>:<PRIVILEGE>.", id)
	}
	o, err := parseResourceID(id[:cut])
	if err != nil || o.Kind == "" {
		return entitlement{}, errs.Newf(errs.NotFound, "Unknown entitlement id %q: entitlements are role:<oid> or <resource id>:<PRIVILEGE>.", id)
	}
	priv := strings.ToUpper(id[cut+1:])
	if priv == "TEMP" {
		priv = "TEMPORARY"
	}
	if !slices.Contains(o.privileges(), priv) {
		return entitlement{}, errs.Newf(errs.NotFound, "Unknown entitlement id %q: %s is not a privilege on a %s (%s).", id, id[cut+1:], o.Kind, strings.Join(o.privileges(), ", "))
	}
	if resourceID != o.id() {
		return entitlement{}, errs.Newf(errs.NotFound, "The entitlement %q is held on the resource %q, not %q.", id, o.id(), resourceID)
	}
	return entitlement{Object: o, Privilege: priv}, nil
}
