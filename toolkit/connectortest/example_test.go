package connectortest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// The example connector the harness tests run: a small API with users,
// organisations and teams, reached through toolkit/httpclient.
//
//	GET  /user                                  → {"login"}
//	GET  /orgs/<org>                            → {"id"}
//	GET  /orgs/<org>/members?per_page=N         → [{"id","login","email"}], Link rel="next"
//	PUT  /teams/<team>/memberships/<user>       → {"state","created"}, body {"role":"member"}

type exampleSettings struct {
	BaseURL string `json:"base_url" required:"true" description:"Where the API lives."`
	Org     string `json:"org" default:"acme" description:"The organisation."`
}

var example = func() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID: "example", Version: "0.1.0", Auth: toolkit.AuthToken, Settings: exampleSettings{},
		Description:      toolkit.DescriptionData{UserFriendlyName: "Example", Categories: []toolkit.AppCategory{toolkit.CategoryDevelopers}},
		ResourceTypes:    []toolkit.ResourceType{{TypeID: "team", TypeLabel: "Team"}},
		EntitlementTypes: []toolkit.EntitlementType{{TypeID: "member", TypeLabel: "Member", ResourceTypeID: "team"}},
		ErrorHandlers:    []errs.Rule{{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HTTPHandler}},
	})
	toolkit.Handle(in, toolkit.CapValidateCredentials, exampleValidate)
	toolkit.Handle(in, toolkit.CapListAccounts, exampleListAccounts)
	toolkit.Handle(in, toolkit.CapAssignEntitlement, exampleAssign)
	return in
}()

func exampleClient(ctx context.Context, settings exampleSettings, token string) *httpclient.Client {
	return httpclient.New(ctx, httpclient.Options{
		AppID: "example", BaseURL: settings.BaseURL, Auth: httpclient.Bearer(token), MaxAttempts: 1,
		Header: http.Header{"Accept": {"application/json"}},
	})
}

func exampleValidate(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	s, err := toolkit.DecodeSettings[exampleSettings](req.Settings)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	c := exampleClient(ctx, s, req.Auth.Token.Token)
	var me struct {
		Login string `json:"login"`
	}
	if _, err := c.GetJSON(ctx, "/user", &me); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	var org struct {
		ID int `json:"id"`
	}
	if _, err := c.GetJSON(ctx, "/orgs/"+url.PathEscape(s.Org), &org); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: fmt.Sprintf("org-%d", org.ID)}}, nil
}

// examplePages is the page follower of list_accounts.
var examplePages = paginate.ByLink("example/list_accounts")

// exampleFirstPage is the first upstream page of list_accounts.
func exampleFirstPage(s exampleSettings, size int) string {
	return fmt.Sprintf("/orgs/%s/members?per_page=%d", url.PathEscape(s.Org), size)
}

func exampleListAccounts(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	s, err := toolkit.DecodeSettings[exampleSettings](req.Settings)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	size, token := 100, ""
	if req.Page != nil {
		token = req.Page.Token
		if req.Page.Size > 0 {
			size = req.Page.Size
		}
	}
	page, err := examplePages.Resume(token, exampleFirstPage(s, size))
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	c := exampleClient(ctx, s, req.Auth.Token.Token)
	var members []struct {
		ID    int     `json:"id"`
		Login string  `json:"login"`
		Email *string `json:"email"`
	}
	resp, err := c.GetJSON(ctx, page.At, &members)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	out := toolkit.ListAccountsResponse{Response: make([]toolkit.FoundAccountData, 0, len(members))}
	for _, m := range members {
		out.Response = append(out.Response, toolkit.FoundAccountData{
			IntegrationSpecificID: strconv.Itoa(m.ID), Username: toolkit.Ptr(m.Login), Email: m.Email,
			UserStatus: toolkit.Ptr(toolkit.AccountStatusActive),
		})
	}
	next, err := page.Next(paginate.NextLink(resp.Header))
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	if next != "" {
		out.Page = &toolkit.Page{Token: next, Size: size}
	}
	return out, nil
}

func exampleAssign(ctx context.Context, req toolkit.AssignEntitlementRequest) (toolkit.AssignEntitlementResponse, error) {
	s, err := toolkit.DecodeSettings[exampleSettings](req.Settings)
	if err != nil {
		return toolkit.AssignEntitlementResponse{}, err
	}
	p := req.Request
	c := exampleClient(ctx, s, req.Auth.Token.Token)
	var m struct {
		State   string `json:"state"`
		Created bool   `json:"created"`
	}
	path := "/teams/" + url.PathEscape(p.ResourceIntegrationSpecificID) + "/memberships/" + url.PathEscape(p.AccountIntegrationSpecificID)
	if _, err := c.PutJSON(ctx, path, map[string]string{"role": p.EntitlementIntegrationSpecificID}, &m); err != nil {
		return toolkit.AssignEntitlementResponse{}, err
	}
	effect := toolkit.Noop()
	if m.Created {
		effect = toolkit.Created()
	}
	sum, err := toolkit.Summarize(p, effect, true)
	if err != nil {
		return toolkit.AssignEntitlementResponse{}, err
	}
	return toolkit.AssignEntitlementResponse{Response: toolkit.AssignedEntitlement{Assigned: true}, ExecutionSummary: sum}, nil
}
