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
// attributes to change, a new password and whether the person must change
// the password at the next logon.
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
	asked := password != "" || p.MustChangePassword != nil
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
		return errs.New(errs.BadRequest, "update_account: nothing to change; give at least one of email, given_name, family_name, display_name, password or must_change_password.")
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

// flagAttr is the attribute holding must_change_password's state:
// pwdLastSet on Active Directory, ppolicy's pwdReset elsewhere.
func (c *config) flagAttr() string {
	if c.ad() {
		return "pwdLastSet"
	}
	return pwdReset
}

// mustChangeNow reports whether the entry e, read with flagAttr, says the
// person must change the password at the next logon: pwdLastSet 0 on
// Active Directory, pwdReset TRUE elsewhere.
func (c *config) mustChangeNow(e *goldap.Entry) bool {
	if c.ad() {
		return e.GetAttributeValue("pwdLastSet") == "0"
	}
	return strings.EqualFold(e.GetAttributeValue(pwdReset), "TRUE")
}

// flagChange is what update_account writes for must_change_password (want,
// nil when absent) on the entry e: nothing when it is absent, or when no
// password is given and the entry is already in the state asked for. With a
// password the flag is written, since setting a password changes it
// (ppolicy deletes pwdReset, or sets it under a policy with pwdMustChange),
// except false on Active Directory: the reset itself stores the time in
// pwdLastSet, so a bind account with only the Reset Password right can
// still clear the flag that way.
func (c *config) flagChange(e *goldap.Entry, want *bool, password string) flagWrite {
	switch {
	case want == nil, password == "" && c.mustChangeNow(e) == *want:
		return flagKeep
	case !*want && password != "" && c.ad():
		return flagKeep
	case *want:
		return flagSet
	}
	return flagClear
}

// modifyAD changes the attributes, the password (unicodePwd) and
// pwdLastSet of an Active Directory entry in one modify, so that all happen
// or none: pwdLastSet 0 expires the password (flagSet), -1 makes the server
// store the current time (flagClear; Samba ignores -1 while pwdLastSet
// holds a time and no password is set, so flagChange sends it only when
// pwdLastSet is 0 or with a password).
func (ss *session) modifyAD(dn string, mod *goldap.ModifyRequest, password string, flag flagWrite) error {
	attrs := mod != nil
	if mod == nil {
		mod = goldap.NewModifyRequest(dn, nil)
	}
	if password != "" {
		mod.Replace("unicodePwd", []string{unicodePwd(password)})
	}
	switch flag {
	case flagSet:
		mod.Replace("pwdLastSet", []string{"0"})
	case flagClear:
		mod.Replace("pwdLastSet", []string{"-1"})
	}
	err := ss.conn.Modify(mod)
	switch {
	case err == nil:
		return nil
	case password != "" && (goldap.IsErrorWithCode(err, goldap.LDAPResultConstraintViolation) || goldap.IsErrorWithCode(err, goldap.LDAPResultUnwillingToPerform)):
		return explain(err, "update_account: Active Directory refused the change (nothing was changed); "+
			"a password must meet the domain's password policy (length, complexity, history): ")
	case (password != "" || flag != flagKeep) && goldap.IsErrorWithCode(err, goldap.LDAPResultInsufficientAccessRights):
		var needs []string
		if attrs {
			needs = append(needs, "write access to the attributes")
		}
		if flag != flagKeep {
			needs = append(needs, "write access to pwdLastSet")
		}
		if password != "" {
			needs = append(needs, "the Reset Password right on the user")
		}
		return explain(err, "update_account: modifying "+dn+" failed, nothing was changed (the bind account needs "+strings.Join(needs, " and ")+"): ")
	}
	return explain(err, "update_account: modifying "+dn+" failed, nothing was changed: ")
}

// modifyWithPasswordModify changes the attributes of an entry with a
// modify, then its password with the Password Modify extended operation
// (checked to be offered before anything is written), then pwdReset for
// must_change_password (flag). ppolicy unlocks an entry whose password is
// set: a lock the entry had (lock, its pwdAccountLockedTime) is put back.
// ppolicy also sets or deletes pwdReset when it sets a password, so
// flagClear after a password deletes pwdReset only if it is there then.
func (ss *session) modifyWithPasswordModify(ctx context.Context, dn string, mod *goldap.ModifyRequest, password, lock string, flag flagWrite) error {
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
	done := updateDone(mod != nil, password != "")
	if password != "" {
		if err := ss.resetPassword(ctx, dn, password, lock, mod != nil); err != nil {
			return err
		}
		if flag == flagClear {
			set, err := ss.resetNow(ctx, dn)
			if err != nil {
				return explain(err, "update_account: "+done+", but reading pwdReset back for must_change_password failed: ")
			}
			if !set {
				flag = flagKeep
			}
		}
	}
	var err error
	switch flag {
	case flagKeep:
		return nil
	case flagSet:
		err = ss.markReset(dn)
	case flagClear:
		err = ss.unmarkReset(dn)
	}
	if err != nil {
		return resetFailed(err, "update_account", dn, done, flag == flagSet)
	}
	return nil
}

// updateDone says what update_account has done once the attributes (when
// attrs) and the password (when password) are written: "" for nothing.
func updateDone(attrs, password bool) string {
	switch {
	case attrs && password:
		return "the attributes were changed and the password was set"
	case password:
		return "the password was set"
	case attrs:
		return "the attributes were changed"
	}
	return ""
}

// resetPassword sets the password of the entry dn with the Password Modify
// extended operation and puts its lock (pwdAccountLockedTime, "" for none)
// back; attrs says that the attributes were changed before.
func (ss *session) resetPassword(ctx context.Context, dn, password, lock string, attrs bool) error {
	done := "nothing was changed"
	if attrs {
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
		return ss.relock(ctx, dn, lock)
	}
	return nil
}

// resetNow reports whether the entry dn has pwdReset TRUE now.
func (ss *session) resetNow(ctx context.Context, dn string) (bool, error) {
	res, err := ss.search(ctx, goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{pwdReset}, nil))
	if err != nil {
		return false, err
	}
	return len(res.Entries) == 1 && ss.mustChangeNow(res.Entries[0]), nil
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

// updateAccount changes the account's attributes, password and
// must-change state: the entry found by id, then one modify of the
// attributes that differ (with the password and pwdLastSet on Active
// Directory), then the password and pwdReset elsewhere. When no password
// is given and every attribute and the must-change state already are as
// asked, nothing is written and the effect is a noop.
func updateAccount(ctx context.Context, req toolkit.Request[AccountUpdate]) (toolkit.Response[UpdatedAccount], error) {
	var none toolkit.Response[UpdatedAccount]
	p := req.Request
	password, err := newPassword(ctx, p)
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
	k, err := ss.findUser(ctx, p.ID, append(ss.accountAttrs(), ss.flagAttr()))
	if err != nil {
		return none, err
	}
	mod, fields := ss.updateRequest(k.e, p)
	flag := ss.flagChange(k.e, p.MustChangePassword, password)
	eff := toolkit.Noop()
	if mod != nil || password != "" || flag != flagKeep {
		eff = toolkit.Updated()
		if ss.ad() {
			err = ss.modifyAD(k.e.DN, mod, password, flag)
		} else {
			err = ss.modifyWithPasswordModify(ctx, k.e.DN, mod, password, k.e.GetAttributeValue("pwdAccountLockedTime"), flag)
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
