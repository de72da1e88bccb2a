package ldap

import (
	"context"
	"fmt"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// AccountFields are the attributes of a user entry that update_account
// changes and answers with. In the payload a field left out or null keeps
// the attribute as it is; in the answer every field is set ("" when the
// entry has no value).
type AccountFields struct {
	Email       *string `json:"email" description:"The e-mail attribute (the email_attribute setting, mail by default). Payload: absent or null keeps it, \"\" deletes it. Answer: its value after the call, \"\" when there is none."`
	GivenName   *string `json:"given_name" description:"givenName. Payload: absent or null keeps it, \"\" deletes it. Answer: its value after the call, \"\" when there is none."`
	FamilyName  *string `json:"family_name" description:"sn. Payload: absent or null keeps it; \"\" deletes it on Active Directory only, and is refused elsewhere (person and inetOrgPerson entries must have an sn). Answer: its value after the call, \"\" when there is none."`
	DisplayName *string `json:"display_name" description:"displayName. Payload: absent or null keeps it, \"\" deletes it. Answer: its value after the call, \"\" when there is none."`
}

// AccountUpdate is update_account's payload: the account's id, the
// attributes to change and a new password.
type AccountUpdate struct {
	toolkit.UpdateableAccount
	AccountFields
	MustChange
	Password *string `json:"password" secret:"true" description:"A new password, set as an administrator's reset (the current one is not needed); absent or null keeps the password. OpenLDAP, rfc2307, rfc2307bis and generic: the Password Modify extended operation (RFC 3062) on the entry, after the attributes, so the server hashes it with its own scheme; an account locked by deactivate_account stays locked. Active Directory: unicodePwd replaced in the same modify as the attributes, only over TLS (ldaps:// or start_tls)."`
}

// UpdatedAccount is update_account's answer: the account's id and its
// attributes as read back after the change (never the password).
type UpdatedAccount struct {
	toolkit.UpdateableAccount
	AccountFields
}

// attrChange is one attribute of an update: the LDAP attribute, the value
// asked for (nil: unchanged) and the field of out that holds its value.
type attrChange struct {
	attr string
	want *string
	out  **string
}

// changes are the payload's attributes, each with its field in out.
func (c *config) changes(p AccountUpdate, out *AccountFields) []attrChange {
	return []attrChange{
		{c.EmailAttribute, p.Email, &out.Email},
		{"givenName", p.GivenName, &out.GivenName},
		{"sn", p.FamilyName, &out.FamilyName},
		{"displayName", p.DisplayName, &out.DisplayName},
	}
}

// newPassword is the payload's password ("" when absent), registered as a
// secret of the call before anything else can log or fail.
func newPassword(ctx context.Context, p AccountUpdate) (string, error) {
	return payloadPassword(ctx, p.Password, "update_account: password is empty; leave it out to keep the current password.")
}

// checkUpdate refuses, before anything is sent, an update that asks for
// nothing, deletes sn where the entry must have one, or sends an Active
// Directory password over a connection without TLS.
func (c *config) checkUpdate(p AccountUpdate, password string) error {
	asked := password != ""
	for _, ch := range c.changes(p, &AccountFields{}) {
		if ch.want == nil {
			continue
		}
		asked = true
		if ch.attr == "sn" && strings.TrimSpace(*ch.want) == "" && !c.ad() {
			return errs.New(errs.BadRequest, "update_account: family_name cannot be emptied: sn is required by the person and inetOrgPerson object classes. Nothing was changed.")
		}
	}
	if !asked {
		return errs.New(errs.BadRequest, "update_account: nothing to change; give at least one of email, given_name, family_name, display_name or password.")
	}
	if password != "" {
		return c.passwordTransport("update_account", "Nothing was changed.")
	}
	return nil
}

// updateRequest is the modify request bringing the entry e to the
// payload's attributes (nil when they already match), and the fields as
// they will be once it is done.
func (c *config) updateRequest(e *goldap.Entry, p AccountUpdate) (*goldap.ModifyRequest, AccountFields) {
	out := fieldsOf(c, e)
	var mod *goldap.ModifyRequest
	for _, ch := range c.changes(p, &out) {
		if ch.want == nil {
			continue
		}
		v := strings.TrimSpace(*ch.want)
		if v == **ch.out {
			continue
		}
		*ch.out = toolkit.Ptr(v)
		if mod == nil {
			mod = goldap.NewModifyRequest(e.DN, nil)
		}
		if v == "" {
			mod.Replace(ch.attr, []string{}) // a replace without values deletes the attribute, present or not
		} else {
			mod.Replace(ch.attr, []string{v})
		}
	}
	return mod, out
}

// fieldsOf is the update's fields as the entry has them.
func fieldsOf(c *config, e *goldap.Entry) AccountFields {
	return AccountFields{
		Email:       toolkit.Ptr(e.GetAttributeValue(c.EmailAttribute)),
		GivenName:   toolkit.Ptr(e.GetAttributeValue("givenName")),
		FamilyName:  toolkit.Ptr(e.GetAttributeValue("sn")),
		DisplayName: toolkit.Ptr(e.GetAttributeValue("displayName")),
	}
}

// modifyAD changes the attributes and the password (unicodePwd) of an
// Active Directory entry in one modify, so that both happen or neither;
// with mustChange, pwdLastSet 0 in the same modify expires the password.
func (ss *session) modifyAD(dn string, mod *goldap.ModifyRequest, password string, mustChange bool) error {
	if password != "" {
		if mod == nil {
			mod = goldap.NewModifyRequest(dn, nil)
		}
		mod.Replace("unicodePwd", []string{unicodePwd(password)})
		if mustChange {
			mod.Replace("pwdLastSet", []string{"0"})
		}
	}
	err := ss.conn.Modify(mod)
	switch {
	case err == nil:
		return nil
	case password != "" && (goldap.IsErrorWithCode(err, goldap.LDAPResultConstraintViolation) || goldap.IsErrorWithCode(err, goldap.LDAPResultUnwillingToPerform)):
		return explain(err, "update_account: Active Directory refused the change (nothing was changed); "+
			"a password must meet the domain's password policy (length, complexity, history): ")
	case password != "" && goldap.IsErrorWithCode(err, goldap.LDAPResultInsufficientAccessRights):
		return explain(err, "update_account: modifying "+dn+" failed, nothing was changed "+
			"(the bind account needs write access to the attributes and the Reset Password right on the user): ")
	}
	return explain(err, "update_account: modifying "+dn+" failed, nothing was changed: ")
}

// modifyWithPasswordModify changes the attributes of an entry with a
// modify, then its password with the Password Modify extended operation
// (checked to be offered before anything is written). ppolicy unlocks an
// entry whose password is set: a lock the entry had (lock, its
// pwdAccountLockedTime) is put back. With mustChange, pwdReset is set last.
func (ss *session) modifyWithPasswordModify(ctx context.Context, dn string, mod *goldap.ModifyRequest, password, lock string, mustChange bool) error {
	if password != "" {
		ok, err := ss.offersPasswordModify(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return errs.Newf(errs.UnsupportedOperation, "update_account: this directory does not offer the Password Modify extended operation (RFC 3062, %s), "+
				"which the %s flavor sets passwords with (so that the server hashes them); leave password out. Nothing was changed.", passwordModifyOID, ss.Flavor)
		}
	}
	if mod != nil {
		if err := ss.conn.Modify(mod); err != nil {
			return explain(err, "update_account: modifying "+dn+" failed, nothing was changed: ")
		}
	}
	if password == "" {
		return nil
	}
	done := "nothing was changed"
	if mod != nil {
		done = "the attributes were changed, the password was not"
	}
	if _, err := ss.conn.PasswordModify(goldap.NewPasswordModifyRequest(dn, "", password)); err != nil {
		why := ""
		if goldap.IsErrorWithCode(err, goldap.LDAPResultInsufficientAccessRights) {
			why = " (the bind account needs write access to the entry's userPassword)"
		}
		return explain(err, fmt.Sprintf("update_account: setting the password of %s failed, %s%s: ", dn, done, why))
	}
	if lock != "" {
		if err := ss.relock(ctx, dn, lock); err != nil {
			return err
		}
	}
	if !mustChange {
		return nil
	}
	if err := ss.markReset(dn); err != nil {
		done := "the password was set"
		if mod != nil {
			done = "the attributes were changed and the password was set"
		}
		return resetFailed(err, "update_account", dn, done)
	}
	return nil
}

// relock puts the entry's pwdAccountLockedTime back to lock when setting
// its password removed it.
func (ss *session) relock(ctx context.Context, dn, lock string) error {
	res, err := ss.search(ctx, goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"pwdAccountLockedTime"}, nil))
	if err != nil {
		return err
	}
	if len(res.Entries) == 1 && res.Entries[0].GetAttributeValue("pwdAccountLockedTime") != "" {
		return nil
	}
	mod := goldap.NewModifyRequest(dn, nil)
	mod.Replace("pwdAccountLockedTime", []string{lock})
	if err := ss.conn.Modify(mod); err != nil {
		return explain(err, "update_account: the password of "+dn+" was set, which unlocked the account, and locking it again failed "+
			"(the bind account needs write access to pwdAccountLockedTime; lock it with deactivate_account): ")
	}
	return nil
}

// readBack is the entry's fields as the directory has them now.
func (ss *session) readBack(ctx context.Context, dn string) (AccountFields, error) {
	res, err := ss.search(ctx, goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{ss.EmailAttribute, "givenName", "sn", "displayName"}, nil))
	if err != nil {
		return AccountFields{}, err
	}
	if len(res.Entries) != 1 {
		return AccountFields{}, errs.Newf(errs.InvalidResponse, "LDAP: the entry %s just modified cannot be read back.", dn)
	}
	return fieldsOf(ss.config, res.Entries[0]), nil
}

// updateAccount changes the account's attributes and password: the entry
// found by id, then one modify of the attributes that differ (with the
// password on Active Directory), then the password elsewhere. When no
// password is given and every attribute already has its value, nothing is
// written and the effect is a noop.
func updateAccount(ctx context.Context, req toolkit.Request[AccountUpdate]) (toolkit.Response[UpdatedAccount], error) {
	var none toolkit.Response[UpdatedAccount]
	p := req.Request
	password, err := newPassword(ctx, p)
	if err != nil {
		return none, err
	}
	mustChange, err := p.mustChange("update_account", password)
	if err != nil {
		return none, err
	}
	c, err := decodeSettings(req.Settings)
	if err != nil {
		return none, err
	}
	if err := c.checkUpdate(p, password); err != nil {
		return none, err
	}
	ss, err := open(ctx, req)
	if err != nil {
		return none, err
	}
	defer ss.close()
	k, err := ss.findUser(ctx, p.ID, ss.accountAttrs())
	if err != nil {
		return none, err
	}
	mod, fields := ss.updateRequest(k.e, p)
	eff := toolkit.Noop()
	if mod != nil || password != "" {
		eff = toolkit.Updated()
		if ss.ad() {
			err = ss.modifyAD(k.e.DN, mod, password, mustChange)
		} else {
			err = ss.modifyWithPasswordModify(ctx, k.e.DN, mod, password, k.e.GetAttributeValue("pwdAccountLockedTime"), mustChange)
		}
		if err != nil {
			return none, err
		}
		if fields, err = ss.readBack(ctx, k.e.DN); err != nil {
			return none, err
		}
	}
	// The fingerprint leaves the password out: not even a hash of it
	// leaves the call.
	p.Password = nil
	sum, err := toolkit.Summarize(p, eff, true)
	if err != nil {
		return none, err
	}
	return toolkit.Response[UpdatedAccount]{Response: UpdatedAccount{UpdateableAccount: toolkit.UpdateableAccount{ID: k.id}, AccountFields: fields}, ExecutionSummary: sum}, nil
}
