package scim

import (
	"context"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// AccountUpdate is the SCIM connector's update_account payload and result:
// the standard UpdateableAccount (the User's id) extended with the common
// User attributes the connector can change. A field left out or null stays
// as it is. The result carries every field as it is after the call.
type AccountUpdate struct {
	toolkit.UpdateableAccount
	Username    *string `json:"username" description:"New userName; it must not be another user's."`
	Email       *string `json:"email" description:"New primary email address (the other emails are kept)."`
	GivenName   *string `json:"given_name" description:"New name.givenName."`
	FamilyName  *string `json:"family_name" description:"New name.familyName."`
	DisplayName *string `json:"display_name" description:"New displayName."`
	Active      *bool   `json:"active" description:"New value of active: false suspends the user, true activates it."`
}

// current is the update's fields as the user has them now.
func current(u *user) AccountUpdate {
	out := AccountUpdate{UpdateableAccount: toolkit.UpdateableAccount{ID: u.ID},
		Username: toolkit.Ptr(u.UserName), DisplayName: toolkit.Ptr(u.DisplayName), Active: u.Active}
	if es := u.sortedEmails(); len(es) > 0 {
		out.Email = toolkit.Ptr(es[0].Value)
	} else {
		out.Email = toolkit.Ptr("")
	}
	out.GivenName, out.FamilyName = toolkit.Ptr(""), toolkit.Ptr("")
	if u.Name != nil {
		out.GivenName, out.FamilyName = toolkit.Ptr(u.Name.GivenName), toolkit.Ptr(u.Name.FamilyName)
	}
	return out
}

// withPrimary is the user's emails with the primary one (else the first)
// set to value, or value added as the primary work email when there is none.
func withPrimary(u *user, value string) []email {
	out := make([]email, 0, len(u.Emails)+1)
	at := -1
	for _, e := range u.Emails {
		if e.Value == "" {
			continue
		}
		if e.Primary && at < 0 {
			at = len(out)
		}
		out = append(out, e)
	}
	if at < 0 && len(out) > 0 {
		at = 0
	}
	if at < 0 {
		return []email{{Value: value, Type: "work", Primary: true}}
	}
	out[at].Value, out[at].Primary = value, true
	return out
}

// updateOps are the replace operations that bring u to p, and the result
// after them; no operations means u already matches.
func (ss *session) updateOps(u *user, p AccountUpdate) ([]patchOp, AccountUpdate, error) {
	out := current(u)
	var ops []patchOp
	replace := func(path string, value any) {
		ops = append(ops, patchOp{Op: ss.op("replace"), Path: path, Value: value})
	}
	texts := []struct {
		field, path string
		want        *string
		cur         **string
		required    bool
	}{
		{"username", "userName", p.Username, &out.Username, true},
		{"given_name", "name.givenName", p.GivenName, &out.GivenName, false},
		{"family_name", "name.familyName", p.FamilyName, &out.FamilyName, false},
		{"display_name", "displayName", p.DisplayName, &out.DisplayName, false},
		{"email", "emails", p.Email, &out.Email, true},
	}
	for _, f := range texts {
		if f.want == nil {
			continue
		}
		v := strings.TrimSpace(*f.want)
		if v == "" && f.required {
			return nil, out, errs.Newf(errs.BadRequest, "update_account: %s cannot be empty.", f.field)
		}
		if v == **f.cur {
			continue
		}
		*f.cur = toolkit.Ptr(v)
		if f.path == "emails" {
			replace(f.path, withPrimary(u, v))
			continue
		}
		replace(f.path, v)
	}
	if p.Active != nil && (u.Active == nil || *u.Active != *p.Active) {
		out.Active = toolkit.Ptr(*p.Active)
		replace("active", *p.Active)
	}
	return ops, out, nil
}

// updateAccount changes a User's common attributes with one PATCH of
// replace operations, after reading it: when every field given already
// has its value the call is a noop and sends nothing.
func updateAccount(ctx context.Context, req toolkit.Request[AccountUpdate]) (toolkit.Response[AccountUpdate], error) {
	p := req.Request
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.Response[AccountUpdate]{}, err
	}
	u, err := ss.getUser(ctx, p.ID)
	if err != nil {
		return toolkit.Response[AccountUpdate]{}, err
	}
	ops, out, err := ss.updateOps(u, p)
	if err != nil {
		return toolkit.Response[AccountUpdate]{}, err
	}
	eff := toolkit.Noop()
	if len(ops) > 0 {
		if err := ss.patch(ctx, ss.userPath(p.ID), ops...); err != nil {
			return toolkit.Response[AccountUpdate]{}, notFound(err, "The SCIM user "+strconvQuote(p.ID))
		}
		eff = toolkit.Updated()
	}
	sum, err := toolkit.Summarize(p, eff, true)
	if err != nil {
		return toolkit.Response[AccountUpdate]{}, err
	}
	return toolkit.Response[AccountUpdate]{Response: out, ExecutionSummary: sum}, nil
}
