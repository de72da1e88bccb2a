package ldap

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"unicode/utf16"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// CreateAccountPayload is create_account's payload: the standard fields
// and the new account's initial password.
type CreateAccountPayload struct {
	toolkit.CreateAccount
	MustChange
	Password *string `json:"password" secret:"true" description:"The new account's initial password; no password when absent. OpenLDAP and generic: set after the add with the Password Modify extended operation (RFC 3062), so the server stores it hashed with its own scheme. Active Directory: sent as unicodePwd in the add, only over TLS (ldaps:// or start_tls), and the account is then created enabled (userAccountControl 512) unless user_status says otherwise."`
}

// MustChange is the must_change_password field, shared by
// create_account's and update_account's payloads: whether the person must
// choose a new password at the next logon. Absent (nil) leaves that state
// as it is.
type MustChange struct {
	MustChangePassword *bool `json:"must_change_password" description:"Whether the person must choose a new password at the next logon. Absent or null: that state is left as it is. true: set it; on create_account only with a password in the same call (true without one is refused), on update_account with or without a new password. false: on update_account, clear it (an account not asked to change its password is left as it is); on create_account, nothing beyond the server's default. Active Directory: pwdLastSet 0 for true, -1 for false (the server then stores the current time; with a new password nothing, since the reset stores it), in the same add or modify as unicodePwd and the attributes. OpenLDAP, rfc2307, rfc2307bis and generic: ppolicy's operational attribute pwdReset, replaced with TRUE for true or deleted for false, in a modify after the attributes and the password (the bind account needs read and write access to pwdReset; a server without ppolicy, where pwdReset is unknown, makes true unsupported_operation once the rest of the call is done, and create_account then deletes the entry again). Already in the state asked for: nothing is written for it, and update_account is noop when nothing else changes."`
}

// mustChangeOnCreate reads create_account's must_change_password: true
// only with a password (password not ""), refused without one; false and
// absent both leave the server's default.
func (m MustChange) mustChangeOnCreate(password string) (bool, error) {
	if m.MustChangePassword == nil || !*m.MustChangePassword {
		return false, nil
	}
	if password == "" {
		return false, errs.New(errs.BadRequest, "create_account: must_change_password applies to the password set by the same call, and there is none; give a password or leave must_change_password out.")
	}
	return true, nil
}

// flagWrite is what an update writes for must_change_password.
type flagWrite int

const (
	flagKeep  flagWrite = iota // nothing
	flagSet                    // the person must change the password
	flagClear                  // the person need not change it
)

// pwdReset is ppolicy's operational attribute saying that the password was
// set by an administrator and must be changed by the person.
const pwdReset = "pwdReset"

// noPPolicy reports whether err, from a modify of pwdReset, says the
// directory does not know the attribute or does not let it be written
// (no ppolicy schema).
func noPPolicy(err error) bool {
	for _, code := range []uint16{goldap.LDAPResultUndefinedAttributeType, goldap.LDAPResultObjectClassViolation, goldap.LDAPResultConstraintViolation} {
		if goldap.IsErrorWithCode(err, code) {
			return true
		}
	}
	return false
}

// markReset sets pwdReset: TRUE on the entry dn, whose password was just
// set. The error, if any, is the server's, for the caller to explain.
func (ss *session) markReset(dn string) error {
	mod := goldap.NewModifyRequest(dn, nil)
	mod.Replace(pwdReset, []string{"TRUE"})
	return ss.conn.Modify(mod)
}

// unmarkReset deletes pwdReset from the entry dn; an entry that no longer
// has it (another writer was first) is no error.
func (ss *session) unmarkReset(dn string) error {
	mod := goldap.NewModifyRequest(dn, nil)
	mod.Delete(pwdReset, nil)
	err := ss.conn.Modify(mod)
	if goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchAttribute) {
		return nil
	}
	return err
}

// resetFailed is the error of a failed write of pwdReset on dn for the
// capability capName (markReset when set, else unmarkReset), done saying
// what the call did before ("the password was set", …; "" for nothing).
func resetFailed(err error, capName, dn, done string, set bool) *errs.Error {
	failed := explain(err, "")
	lead := capName + ": " + done + ", but must_change_password could not be applied"
	if done == "" {
		lead = capName + ": nothing was changed: must_change_password could not be applied"
	}
	verb := "setting"
	if !set {
		verb = "deleting"
	}
	switch {
	case noPPolicy(err):
		failed.Code = errs.UnsupportedOperation
		failed.Message = fmt.Sprintf("%s: this directory does not accept pwdReset "+
			"on %s (load the ppolicy module and overlay on OpenLDAP, or leave must_change_password out): %s", lead, dn, failed.Message)
	case goldap.IsErrorWithCode(err, goldap.LDAPResultInsufficientAccessRights):
		failed.Message = fmt.Sprintf("%s: the bind account may not write pwdReset on %s "+
			"(it needs write access to pwdReset, which ACLs often leave to the rootdn): %s", lead, dn, failed.Message)
	default:
		failed.Message = fmt.Sprintf("%s: %s pwdReset on %s failed: %s", lead, verb, dn, failed.Message)
	}
	return failed
}

// passwordModifyOID names the Password Modify extended operation (RFC 3062)
// in the root DSE's supportedExtension.
const passwordModifyOID = "1.3.6.1.4.1.4203.1.11.1"

// initialPassword is the payload's password ("" when absent), registered
// as a secret of the call before anything else can log or fail.
func initialPassword(ctx context.Context, p CreateAccountPayload) (string, error) {
	return payloadPassword(ctx, p.Password,
		"create_account: password is empty; leave it out to create the account without a password.")
}

// payloadPassword is a payload's password ("" when absent), registered as
// a secret of the call first; an empty one is refused with ifEmpty, since
// Password Modify with no new password asks the server to make one up.
func payloadPassword(ctx context.Context, pw *string, ifEmpty string) (string, error) {
	if pw == nil {
		return "", nil
	}
	toolkit.AddSecret(ctx, *pw)
	if *pw == "" {
		return "", errs.New(errs.BadRequest, ifEmpty)
	}
	return *pw, nil
}

// checkPasswordTransport refuses a password for Active Directory over a
// connection without TLS, which Active Directory would refuse anyway,
// before anything is sent to the server.
func checkPasswordTransport(req toolkit.Request[CreateAccountPayload]) error {
	c, err := decodeSettings(req.Settings)
	if err != nil {
		return err
	}
	return c.passwordTransport("create_account", "Nothing was created.")
}

// passwordTransport is checkPasswordTransport for the capability capName,
// outcome saying what the refusal left undone.
func (c *config) passwordTransport(capName, outcome string) error {
	if c.ad() && c.tls == nil {
		return errs.Newf(errs.BadRequest, "%s: Active Directory accepts a password (unicodePwd) only over TLS, and url %s is plain ldap:// without start_tls: use ldaps:// or set start_tls. %s", capName, c.URL, outcome)
	}
	return nil
}

// unicodePwd is the value of Active Directory's unicodePwd attribute for
// password: the password in double quotes, encoded as UTF-16LE.
func unicodePwd(password string) string {
	units := utf16.Encode([]rune(`"` + password + `"`))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return string(b)
}

// checkPasswordModify refuses, before any write, a directory whose root DSE
// does not list the Password Modify extended operation.
func (ss *session) checkPasswordModify(ctx context.Context) error {
	ok, err := ss.offersPasswordModify(ctx)
	if err != nil || ok {
		return err
	}
	return errs.Newf(errs.UnsupportedOperation, "create_account: this directory does not offer the Password Modify extended operation (RFC 3062, %s), "+
		"which the %s flavor sets passwords with (so that the server hashes them); create the account without a password. Nothing was created.", passwordModifyOID, ss.Flavor)
}

// offersPasswordModify reports whether the root DSE lists the Password
// Modify extended operation.
func (ss *session) offersPasswordModify(ctx context.Context) (bool, error) {
	res, err := ss.search(ctx, goldap.NewSearchRequest("", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"supportedExtension"}, nil))
	if err != nil {
		return false, err
	}
	return len(res.Entries) == 1 && slices.Contains(res.Entries[0].GetAttributeValues("supportedExtension"), passwordModifyOID), nil
}

// addUser adds the entry, with password unless it is "": in the add
// itself on Active Directory (unicodePwd, see newUserEntry), else set right
// after the add (setPassword). locked says the entry is to be locked,
// mustChange that the person must change the password at the next logon.
func (ss *session) addUser(ctx context.Context, add *goldap.AddRequest, password string, locked, mustChange bool) error {
	switch {
	case password == "":
		return ss.conn.Add(add)
	case ss.ad():
		err := ss.conn.Add(add)
		if goldap.IsErrorWithCode(err, goldap.LDAPResultConstraintViolation) || goldap.IsErrorWithCode(err, goldap.LDAPResultUnwillingToPerform) {
			return explain(err, "create_account: Active Directory refused the new account (nothing was created); "+
				"a password must meet the domain's password policy (length, complexity, history): ")
		}
		return err
	}
	if err := ss.checkPasswordModify(ctx); err != nil {
		return err
	}
	if err := ss.conn.Add(add); err != nil {
		return err
	}
	if err := ss.setPassword(add.DN, password, locked); err != nil {
		return err
	}
	if !mustChange {
		return nil
	}
	if err := ss.markReset(add.DN); err != nil {
		return ss.undoReset(add.DN, resetFailed(err, "create_account", add.DN, "the entry "+add.DN+" was added and its password was set", true))
	}
	return nil
}

// setPassword sets the password of the entry dn just added with the
// Password Modify extended operation, then, when locked, locks the entry
// again: ppolicy unlocks an account whose password is set. When either step
// fails the entry is deleted again, so that no account is left without the
// password asked for, or active when it was asked for suspended.
func (ss *session) setPassword(dn, password string, locked bool) error {
	step := "setting its password"
	_, err := ss.conn.PasswordModify(goldap.NewPasswordModifyRequest(dn, "", password))
	if err == nil && locked {
		step = "locking it again once its password was set"
		mod := goldap.NewModifyRequest(dn, nil)
		mod.Replace("pwdAccountLockedTime", []string{lockedForever})
		err = ss.conn.Modify(mod)
	}
	if err == nil {
		return nil
	}
	failed := explain(err, "")
	delErr := ss.conn.Del(goldap.NewDelRequest(dn, nil))
	if delErr != nil && !goldap.IsErrorWithCode(delErr, goldap.LDAPResultNoSuchObject) {
		failed.Message = fmt.Sprintf("create_account: the entry %s was added, but %s failed (%s), and deleting the entry again failed too (%s): "+
			"it is left without the password or lock asked for; delete it.", dn, step, failed.Message, explain(delErr, "").Message)
		return failed
	}
	why := ""
	if goldap.IsErrorWithCode(err, goldap.LDAPResultInsufficientAccessRights) {
		why = " (the bind account needs write access to the userPassword of the users it creates, and to pwdAccountLockedTime to create them suspended)"
	}
	failed.Message = "create_account: " + step + " failed for " + dn + ", so the entry was deleted again (nothing was created)" + why + ": " + failed.Message
	return failed
}

// undoReset deletes the entry dn, which create_account added and gave a
// password but could not mark with pwdReset (failed, from resetFailed):
// an account whose person would not be asked to change a password that
// someone else chose is not what was asked for. The message of failed
// then says whether the entry is gone or, when the delete failed too, left.
func (ss *session) undoReset(dn string, failed *errs.Error) *errs.Error {
	delErr := ss.conn.Del(goldap.NewDelRequest(dn, nil))
	if delErr == nil || goldap.IsErrorWithCode(delErr, goldap.LDAPResultNoSuchObject) {
		failed.Message += "; the entry was deleted again (nothing was created)."
		return failed
	}
	failed.Message += fmt.Sprintf("; deleting the entry again failed too (%s): it is left with its password and without pwdReset; delete it.", explain(delErr, "").Message)
	return failed
}

// explain is err as an error envelope would describe it (code, LDAP result
// code, server diagnostic), its message after prefix.
func explain(err error, prefix string) *errs.Error {
	d := errs.Describe(err, []errs.Rule{{Match: errs.Is[*goldap.Error](), Handler: errs.HandlerFunc(describeLDAPError)}})
	return &errs.Error{Message: prefix + d.Message, Code: d.Code, AppErrorCode: d.AppErrorCode, Hint: d.Hint, Err: err}
}
