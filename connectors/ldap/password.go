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
	Password *string `json:"password" secret:"true" description:"The new account's initial password; no password when absent. OpenLDAP and generic: set after the add with the Password Modify extended operation (RFC 3062), so the server stores it hashed with its own scheme. Active Directory: sent as unicodePwd in the add, only over TLS (ldaps:// or start_tls), and the account is then created enabled (userAccountControl 512) unless user_status says otherwise."`
}

// passwordModifyOID names the Password Modify extended operation (RFC 3062)
// in the root DSE's supportedExtension.
const passwordModifyOID = "1.3.6.1.4.1.4203.1.11.1"

// initialPassword is the payload's password ("" when absent), registered
// as a secret of the call before anything else can log or fail.
func initialPassword(ctx context.Context, p CreateAccountPayload) (string, error) {
	if p.Password == nil {
		return "", nil
	}
	toolkit.AddSecret(ctx, *p.Password)
	if *p.Password == "" {
		// Password Modify with no new password asks the server to make one up.
		return "", errs.New(errs.BadRequest, "create_account: password is empty; leave it out to create the account without a password.")
	}
	return *p.Password, nil
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
// after the add (setPassword). locked says the entry is to be locked.
func (ss *session) addUser(ctx context.Context, add *goldap.AddRequest, password string, locked bool) error {
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
	return ss.setPassword(add.DN, password, locked)
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

// explain is err as an error envelope would describe it (code, LDAP result
// code, server diagnostic), its message after prefix.
func explain(err error, prefix string) *errs.Error {
	d := errs.Describe(err, []errs.Rule{{Match: errs.Is[*goldap.Error](), Handler: errs.HandlerFunc(describeLDAPError)}})
	return &errs.Error{Message: prefix + d.Message, Code: d.Code, AppErrorCode: d.AppErrorCode, Hint: d.Hint, Err: err}
}
