package oktafake_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/lumosgo/lumos/connectors/okta/oktafake"
)

const sdkToken = "00sdk-test-token-0123456789"

// sdkClient is Okta's official Go SDK pointed at the fake.
func sdkClient(t *testing.T, f *oktafake.Fake) *okta.APIClient {
	t.Helper()
	cfg, err := okta.NewConfiguration(okta.WithOrgUrl(f.URL()), okta.WithToken(sdkToken),
		okta.WithTestingDisableHttpsCheck(true), okta.WithCache(false), okta.WithRateLimitMaxRetries(1))
	if err != nil {
		t.Fatalf("okta SDK configuration: %v", err)
	}
	// The SDK keeps only the org URL's host name (real orgs listen on 443);
	// the fake's loopback port is put back.
	cfg.Host = strings.TrimPrefix(f.URL(), "http://")
	return okta.NewAPIClient(cfg)
}

// TestOfficialSDK drives the fake with Okta's own v5 SDK: users paged with
// limit and the Link header's after cursor, groups, a group's members, and
// adding and removing a member. Every exchange is also validated against
// the description (NewForTest).
func TestOfficialSDK(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	f := oktafake.NewForTest(t)
	f.AddToken(sdkToken)
	ids := f.AddUsers(23)
	eng := f.AddGroup(oktafake.Group{Name: "Engineering"})
	f.AddGroup(oktafake.Group{Name: "Sales", Description: "Sales team"})
	f.AddMember(eng, ids[0])
	c := sdkClient(t, f)

	users, resp, err := c.UserAPI.ListUsers(ctx).Limit(5).Execute()
	is.NoErr(err)
	is.Equal(len(users), 5)
	pages := 1
	for resp.HasNextPage() {
		var more []okta.User
		resp, err = resp.Next(&more)
		is.NoErr(err)
		users = append(users, more...)
		pages++
	}
	is.Equal(pages, 5) // 23 users at 5 a page
	var got []string
	for _, u := range users {
		got = append(got, u.GetId())
	}
	is.Equal(got, ids) // every user once, in order
	is.Equal(users[0].GetStatus(), "ACTIVE")
	is.Equal(users[0].Profile.GetLogin(), "user1@example.com")

	groups, _, err := c.GroupAPI.ListGroups(ctx).Execute()
	is.NoErr(err)
	is.Equal(len(groups), 2)
	is.Equal(groups[1].Profile.GetName(), "Sales")

	_, err = c.GroupAPI.AssignUserToGroup(ctx, eng, ids[1]).Execute()
	is.NoErr(err)
	members, _, err := c.GroupAPI.ListGroupUsers(ctx, eng).Execute()
	is.NoErr(err)
	var mids []string
	for _, m := range members {
		mids = append(mids, m.GetId())
	}
	sort.Strings(mids)
	is.Equal(mids, []string{ids[0], ids[1]})

	_, err = c.GroupAPI.UnassignUserFromGroup(ctx, eng, ids[0]).Execute()
	is.NoErr(err)
	is.Equal(f.Members(eng), []string{ids[1]})

	_, _, err = c.UserAPI.GetUser(ctx, "00unknown").Execute()
	is.True(err != nil) // a 404 with Okta's error body
	is.True(fmt.Sprint(err) != "")
}

func decode(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// TestOfficialSDKPrivateKey: Okta's SDK in private-key mode gets a token
// from the fake's /oauth2/v1/token (client assertion in the query, as the
// SDK sends it) and lists users with it.
func TestOfficialSDKPrivateKey(t *testing.T) {
	is := is.New(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	is.NoErr(err)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	f := oktafake.NewForTest(t)
	f.AddServiceApp("0oasdk", &key.PublicKey, "kid-1", "okta.users.read")
	f.AddUsers(3)
	cfg, err := okta.NewConfiguration(okta.WithOrgUrl(f.URL()), okta.WithAuthorizationMode("PrivateKey"), okta.WithClientId("0oasdk"),
		okta.WithScopes([]string{"okta.users.read"}), okta.WithPrivateKey(pemKey), okta.WithPrivateKeyId("kid-1"),
		okta.WithTestingDisableHttpsCheck(true), okta.WithCache(false))
	is.NoErr(err)
	cfg.Host = strings.TrimPrefix(f.URL(), "http://")
	users, _, err := okta.NewAPIClient(cfg).UserAPI.ListUsers(context.Background()).Execute()
	is.NoErr(err)
	is.Equal(len(users), 3)
	is.Equal(len(f.MintedTokens()), 1)
}

// afterOf is the after cursor of an iam listing's _links.next, "" when
// there is none.
func afterOf(t *testing.T, href string) string {
	t.Helper()
	if href == "" {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("next link %q: %v", href, err)
	}
	return u.Query().Get("after")
}

// TestOfficialSDKCustomRoles: Okta's SDK lists the fake's custom roles and
// resource sets page by page (after, from the body's _links.next), a
// set's bindings, assigns a CUSTOM role with role and resource-set, and
// reads it back among the user's roles.
func TestOfficialSDKCustomRoles(t *testing.T) {
	is := is.New(t)
	ctx := context.Background()
	f := oktafake.NewForTest(t)
	f.AddToken(sdkToken)
	f.SetIAMPageSize(2)
	u := f.AddUser(oktafake.User{})
	var roles, sets []string
	for i := range 3 {
		roles = append(roles, f.AddCustomRole(oktafake.CustomRole{Label: fmt.Sprintf("role%d", i), Description: "d"}))
		sets = append(sets, f.AddResourceSet(oktafake.ResourceSet{Label: fmt.Sprintf("set%d", i)}))
	}
	f.AddBinding(sets[1], roles[2])
	c := sdkClient(t, f)

	var gotRoles []string
	for after, pages := "", 0; pages == 0 || after != ""; pages++ {
		req := c.RoleAPI.ListRoles(ctx)
		if after != "" {
			req = req.After(after)
		}
		page, _, err := req.Execute()
		is.NoErr(err)
		for _, r := range page.GetRoles() {
			gotRoles = append(gotRoles, r.GetId()+"="+r.GetLabel())
		}
		links := page.GetLinks()
		next := links.GetNext()
		after = afterOf(t, next.GetHref())
		is.True(pages < 5)
	}
	is.Equal(gotRoles, []string{roles[0] + "=role0", roles[1] + "=role1", roles[2] + "=role2"})

	var gotSets []string
	for after, pages := "", 0; pages == 0 || after != ""; pages++ {
		req := c.ResourceSetAPI.ListResourceSets(ctx)
		if after != "" {
			req = req.After(after)
		}
		page, _, err := req.Execute()
		is.NoErr(err)
		for _, s := range page.GetResourceSets() {
			gotSets = append(gotSets, s.GetId())
		}
		links := page.GetLinks()
		next := links.GetNext()
		after = afterOf(t, next.GetHref())
		is.True(pages < 5)
	}
	is.Equal(gotSets, sets)

	body := okta.AssignRoleRequest{Type: okta.PtrString("CUSTOM"), AdditionalProperties: map[string]any{"role": roles[0], "resource-set": sets[1]}}
	assigned, _, err := c.RoleAssignmentAPI.AssignRoleToUser(ctx, u).AssignRoleRequest(body).Execute()
	is.NoErr(err)
	is.Equal(assigned.GetType(), "CUSTOM")
	is.Equal(assigned.GetLabel(), "role0")
	is.Equal(assigned.AdditionalProperties["role"], roles[0])
	is.Equal(assigned.AdditionalProperties["resource-set"], sets[1])

	bindings, _, err := c.ResourceSetAPI.ListBindings(ctx, sets[1]).Execute()
	is.NoErr(err)
	var bound []string
	for _, b := range bindings.GetRoles() {
		bound = append(bound, b.GetId())
	}
	is.Equal(bound, []string{roles[0], roles[2]}) // the assignment bound its pair

	held, _, err := c.RoleAssignmentAPI.ListAssignedRolesForUser(ctx, u).Execute()
	is.NoErr(err)
	is.Equal(len(held), 1)
	is.Equal(held[0].GetId(), assigned.GetId())
	is.Equal(held[0].AdditionalProperties["resource-set"], sets[1])
}
