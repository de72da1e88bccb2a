package ldap

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// uacDisabled is the ACCOUNTDISABLE bit of Active Directory's userAccountControl.
const uacDisabled = 2

// lockedForever is the pwdAccountLockedTime value that locks an OpenLDAP
// account until an administrator unlocks it (ppolicy overlay).
const lockedForever = "000001010000Z"

// accountAttrs are the attributes an account is read with.
func (c *config) accountAttrs() []string {
	return []string{c.LoginAttribute, c.EmailAttribute, "givenName", "sn", "cn", "displayName", "userAccountControl", "pwdAccountLockedTime"}
}

// status is SUSPENDED when the directory says the account cannot log in:
// the AD disabled bit, or an OpenLDAP ppolicy lock.
func status(e *goldap.Entry) toolkit.AccountStatus {
	if v := e.GetAttributeValue("userAccountControl"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n&uacDisabled != 0 {
			return toolkit.AccountStatusSuspended
		}
	}
	if e.GetAttributeValue("pwdAccountLockedTime") != "" {
		return toolkit.AccountStatusSuspended
	}
	return toolkit.AccountStatusActive
}

// account is the Lumos account of a user entry.
func (c *config) account(k keyed) toolkit.FoundAccountData {
	e := k.e
	opt := func(attr string) *string {
		if v := e.GetAttributeValue(attr); v != "" {
			return toolkit.Ptr(v)
		}
		return nil
	}
	extra := map[string]any{"dn": e.DN}
	for _, a := range []string{"cn", "displayName"} {
		if v := e.GetAttributeValue(a); v != "" {
			extra[strings.ToLower(a)] = v
		}
	}
	return toolkit.FoundAccountData{
		IntegrationSpecificID: k.id,
		Username:              opt(c.LoginAttribute),
		Email:                 opt(c.EmailAttribute),
		GivenName:             opt("givenName"),
		FamilyName:            opt("sn"),
		UserStatus:            toolkit.Ptr(status(e)),
		AccountType:           toolkit.Ptr(toolkit.AccountTypeUser),
		ExtraData:             extra,
	}
}

func listAccounts(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	defer ss.close()
	users := sorted(ss, ss.UsersBaseDN, ss.UsersFilter, ss.accountAttrs(), func(k keyed) []toolkit.FoundAccountData {
		return []toolkit.FoundAccountData{ss.account(k)}
	})
	accounts, p, err := page[toolkit.FoundAccountData](ctx, ss, toolkit.CapListAccounts.Name(), req.Page, true, users)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	return toolkit.ListAccountsResponse{Response: accounts, Page: p}, nil
}

// findUser is the user entry with the id; not_found when there is none.
func (ss *session) findUser(ctx context.Context, id string, attrs []string) (keyed, error) {
	e, err := ss.findByID(ctx, ss.UsersBaseDN, ss.UsersFilter, id, attrs)
	if err != nil {
		return keyed{}, err
	}
	if e == nil {
		return keyed{}, errs.Newf(errs.NotFound, "No account has the id %q (%s) below %s.", id, ss.IDAttribute, ss.UsersBaseDN)
	}
	got, key := ss.entryID(e)
	return keyed{got, key, e}, nil
}

func getAccount(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	defer ss.close()
	k, err := ss.findUser(ctx, req.Request.AccountID, ss.accountAttrs())
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	return toolkit.GetAccountResponse{Response: ss.account(k)}, nil
}

// ---- writes on accounts ------------------------------------------------------------

// trimmed is *s without surrounding spaces ("" for nil).
func trimmed(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

// wantActive reads create_account's user_status.
func wantActive(p toolkit.CreateAccount) (bool, error) {
	switch strings.ToUpper(trimmed(p.UserStatus)) {
	case "", string(toolkit.AccountStatusActive):
		return true, nil
	case string(toolkit.AccountStatusSuspended), string(toolkit.AccountStatusInactive):
		return false, nil
	}
	return false, errs.Newf(errs.BadRequest, "create_account: user_status %q is not supported (ACTIVE, SUSPENDED or INACTIVE).", trimmed(p.UserStatus))
}

// newUserEntry is the add request of a create_account payload. On Active
// Directory a password goes in the add (unicodePwd), with pwdLastSet 0 when
// mustChange; elsewhere it is set after the add (setPassword).
func (ss *session) newUserEntry(p toolkit.CreateAccount, password string, mustChange bool) (*goldap.AddRequest, error) {
	if ss.f.userClasses == nil {
		return nil, errs.Newf(errs.UnsupportedOperation, "create_account is not supported with flavor %q: its users need attributes (uidNumber, gidNumber, homeDirectory) the payload does not carry.", ss.Flavor)
	}
	login, email, given, family := trimmed(p.Username), trimmed(p.Email), trimmed(p.GivenName), trimmed(p.FamilyName)
	if login == "" {
		login, _, _ = strings.Cut(email, "@")
	}
	if login == "" {
		return nil, errs.New(errs.BadRequest, "create_account needs a username (the login attribute) or an email.")
	}
	active, err := wantActive(p)
	if err != nil {
		return nil, err
	}
	for _, e := range p.Entitlements {
		if e.EntitlementType != EntitlementTypeGroupMember {
			return nil, errs.Newf(errs.BadRequest, "create_account: unknown entitlement type %q (only %q).", e.EntitlementType, EntitlementTypeGroupMember)
		}
	}
	cn := strings.TrimSpace(given + " " + family)
	if cn == "" {
		cn = login
	}
	rdnValue := login
	if ss.f.rdn == "cn" {
		rdnValue = cn
	}
	dn := fmt.Sprintf("%s=%s,%s", ss.f.rdn, goldap.EscapeDN(rdnValue), ss.UsersBaseDN)
	add := goldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", ss.f.userClasses)
	add.Attribute("cn", []string{cn})
	add.Attribute(ss.LoginAttribute, []string{login})
	sn := family
	if sn == "" {
		sn = login
	}
	add.Attribute("sn", []string{sn})
	if given != "" {
		add.Attribute("givenName", []string{given})
	}
	if email != "" {
		add.Attribute(ss.EmailAttribute, []string{email})
	}
	if ss.ad() {
		uac := 512 | 32 // NORMAL_ACCOUNT | PASSWD_NOTREQD: no password is set
		if password != "" {
			uac = 512 // NORMAL_ACCOUNT, with the password of the add
			add.Attribute("unicodePwd", []string{unicodePwd(password)})
		}
		if mustChange {
			add.Attribute("pwdLastSet", []string{"0"}) // the password expired: to be changed at the next logon
		}
		if !active {
			uac |= uacDisabled
		}
		add.Attribute("userAccountControl", []string{strconv.Itoa(uac)})
	} else if !active {
		add.Attribute("pwdAccountLockedTime", []string{lockedForever})
	}
	return add, nil
}

// entitlementRefs are the entitlements a new account is to hold, without
// the account's id.
func entitlementRefs(p toolkit.CreateAccount) []toolkit.EntitlementRef {
	refs := make([]toolkit.EntitlementRef, 0, len(p.Entitlements))
	for _, e := range p.Entitlements {
		refs = append(refs, toolkit.EntitlementRef{ResourceType: ResourceTypeDirectory, ResourceID: trimmed(e.IntegrationSpecificResourceID),
			EntitlementType: e.EntitlementType, EntitlementID: e.IntegrationSpecificID})
	}
	return refs
}

func createAccount(ctx context.Context, req toolkit.Request[CreateAccountPayload]) (toolkit.Response[toolkit.CreatedAccount], error) {
	var none toolkit.Response[toolkit.CreatedAccount]
	password, err := initialPassword(ctx, req.Request)
	if err != nil {
		return none, err
	}
	mustChange, err := req.Request.mustChangeOnCreate(password)
	if err != nil {
		return none, err
	}
	p := req.Request.CreateAccount
	if password != "" {
		if err := checkPasswordTransport(req); err != nil {
			return none, err
		}
	}
	ss, err := open(ctx, req)
	if err != nil {
		return none, err
	}
	defer ss.close()
	add, err := ss.newUserEntry(p, password, mustChange)
	if err != nil {
		return none, err
	}
	refs := entitlementRefs(p)
	for _, ref := range refs { // every group checked before anything is written
		if _, err := ss.group(ctx, ref); err != nil {
			return none, err
		}
	}
	active, _ := wantActive(p) // checked by newUserEntry
	if err := ss.addUser(ctx, add, password, !active, mustChange); err != nil {
		return none, err
	}
	res, err := ss.search(ctx, goldap.NewSearchRequest(add.DN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", append(ss.accountAttrs(), ss.IDAttribute), nil))
	if err != nil {
		return none, err
	}
	if len(res.Entries) != 1 {
		return none, errs.Newf(errs.InvalidResponse, "LDAP: the entry %s just added cannot be read back.", add.DN)
	}
	id, _ := ss.entryID(res.Entries[0])
	if id == "" {
		return none, errs.Newf(errs.InvalidResponse, "LDAP: the entry %s just added has no %s.", add.DN, ss.IDAttribute)
	}
	for _, ref := range refs {
		ref.AccountID = id
		if _, err := ss.changeMembership(ctx, ref, true); err != nil {
			return none, err
		}
	}
	// The standard fields only: the execution summary stays as without a
	// password, and not even a hash of the password leaves the call.
	sum, err := toolkit.Summarize(p, toolkit.Created(), false)
	if err != nil {
		return none, err
	}
	return toolkit.Response[toolkit.CreatedAccount]{Response: toolkit.CreatedAccount{ID: toolkit.Ptr(id), Status: status(res.Entries[0]), Created: true}, ExecutionSummary: sum}, nil
}

// setActive enables or disables the account, unless it already is so.
func (ss *session) setActive(ctx context.Context, id string, want bool) (toolkit.Effect, error) {
	k, err := ss.findUser(ctx, id, ss.accountAttrs())
	if err != nil {
		return toolkit.Effect{}, err
	}
	if (status(k.e) == toolkit.AccountStatusActive) == want {
		return toolkit.Noop(), nil
	}
	mod := goldap.NewModifyRequest(k.e.DN, nil)
	switch {
	case ss.ad():
		uac, err := strconv.ParseInt(k.e.GetAttributeValue("userAccountControl"), 10, 64)
		if err != nil {
			return toolkit.Effect{}, errs.Newf(errs.InvalidResponse, "LDAP: %s has no readable userAccountControl.", k.e.DN)
		}
		if want {
			uac &^= uacDisabled
		} else {
			uac |= uacDisabled
		}
		mod.Replace("userAccountControl", []string{strconv.FormatInt(uac, 10)})
	case want:
		mod.Delete("pwdAccountLockedTime", nil)
	default:
		mod.Replace("pwdAccountLockedTime", []string{lockedForever})
	}
	if err := ss.conn.Modify(mod); err != nil {
		if goldap.IsErrorWithCode(err, goldap.LDAPResultUndefinedAttributeType) {
			return toolkit.Effect{}, errs.Wrap(err, errs.UnsupportedOperation,
				"This directory cannot lock accounts: pwdAccountLockedTime is unknown (load the ppolicy overlay on OpenLDAP, or use Active Directory).")
		}
		return toolkit.Effect{}, err
	}
	return toolkit.Updated(), nil
}

// changeActivation turns the account on (activate_account) or off
// (deactivate_account).
func changeActivation(ctx context.Context, c toolkit.AccountActivation) (toolkit.Effect, toolkit.AccountStatus, error) {
	ss, err := open(ctx, c.Request)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	defer ss.close()
	eff, err := ss.setActive(ctx, c.Request.Request.AccountID, c.Activate)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	if c.Activate {
		return eff, toolkit.AccountStatusActive, nil
	}
	return eff, toolkit.AccountStatusSuspended, nil
}

func deleteAccount(ctx context.Context, req toolkit.DeleteAccountRequest) (toolkit.DeleteAccountResponse, error) {
	ss, err := open(ctx, req)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	defer ss.close()
	eff := toolkit.Deleted()
	k, err := ss.findUser(ctx, req.Request.AccountID, nil)
	switch code, _ := errs.CodeOf(err); {
	case err == nil:
		if err := ss.conn.Del(goldap.NewDelRequest(k.e.DN, nil)); err != nil && !goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
			return toolkit.DeleteAccountResponse{}, err
		}
	case code == errs.NotFound:
		eff = toolkit.Noop()
	default:
		return toolkit.DeleteAccountResponse{}, err
	}
	sum, err := toolkit.Summarize(req.Request, eff, true)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	return toolkit.DeleteAccountResponse{Response: toolkit.DeletedAccount{Status: toolkit.AccountStatusDeleted, Deleted: true}, ExecutionSummary: sum}, nil
}
