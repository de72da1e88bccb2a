package ldap

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// formatSID is the string form (S-1-5-21-…) of a binary security identifier.
func formatSID(b []byte) string {
	if len(b) < 8 || int(b[1])*4+8 != len(b) {
		return ""
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "S-%d-%d", b[0], auth)
	for i := 0; i < int(b[1]); i++ {
		fmt.Fprintf(&sb, "-%d", binary.LittleEndian.Uint32(b[8+4*i:]))
	}
	return sb.String()
}

// checkBase reads one base entry; a missing one is bad_request naming the
// setting.
func (ss *session) checkBase(ctx context.Context, setting, dn string, attrs []string) (*goldap.Entry, error) {
	res, err := ss.search(ctx, goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", attrs, nil))
	if goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
		return nil, errs.Wrap(err, errs.BadRequest, fmt.Sprintf("Invalid settings: %s %q does not exist (or the bind account cannot see it).", setting, dn))
	}
	if err != nil {
		return nil, err
	}
	if len(res.Entries) == 0 {
		return nil, errs.Newf(errs.BadRequest, "Invalid settings: %s %q cannot be read.", setting, dn)
	}
	return res.Entries[0], nil
}

func validateCredentials(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	defer ss.close()
	base, err := ss.checkBase(ctx, "base_dn", ss.BaseDN, []string{ss.IDAttribute, "objectSid"})
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	if _, err := ss.checkBase(ctx, "users_base_dn", ss.UsersBaseDN, []string{"1.1"}); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	if _, err := ss.checkBase(ctx, "groups_base_dn", ss.GroupsBaseDN, []string{"1.1"}); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	tenant := formatSID(base.GetRawAttributeValue("objectSid"))
	if tenant == "" {
		tenant, _ = ss.entryID(base)
	}
	if tenant == "" {
		tenant = strings.ToLower(ss.URL) + "/" + canonDN(ss.BaseDN)
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: tenant}}, nil
}
