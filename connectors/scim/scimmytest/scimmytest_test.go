package scimmytest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/scim/scimmytest"
	"github.com/matryer/is"
)

const errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

var client = &http.Client{Timeout: 10 * time.Second}

// call sends one SCIM request and decodes the JSON answer (nil for none).
func call(t *testing.T, method, target, token, body string) (int, map[string]any) {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, reader)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return resp.StatusCode, nil
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s %s: %s: not JSON: %s", method, target, resp.Status, raw)
	}
	return resp.StatusCode, doc
}

// values collects field of each object in list (a []any of objects).
func values(list any, field string) []any {
	out := []any{}
	items, _ := list.([]any)
	for _, item := range items {
		out = append(out, item.(map[string]any)[field])
	}
	return out
}

// isError asserts a SCIM error body with the given status and scimType.
func isError(is *is.I, doc map[string]any, status, scimType string) {
	is.Helper()
	is.Equal(doc["schemas"], []any{errorSchema})
	is.Equal(doc["status"], status)
	if scimType != "" {
		is.Equal(doc["scimType"], scimType)
	}
	is.True(doc["detail"] != "")
}

// TestServerOverHTTP drives the SCIMMY server through its whole life cycle of
// users and groups with raw HTTP, and records how it answers errors.
func TestServerOverHTTP(t *testing.T) {
	base, token := scimmytest.Start(t)
	var alice, bob, eng string
	id := func(doc map[string]any) string { s, _ := doc["id"].(string); return s }
	steps := []struct {
		name   string
		method string
		path   func() string
		body   func() string
		status int
		check  func(is *is.I, doc map[string]any)
	}{{
		name: "create alice", method: "POST", path: func() string { return "/Users" },
		body: func() string {
			return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","displayName":"Alice","emails":[{"value":"alice@example.com","primary":true}],"active":true}`
		},
		status: 201,
		check: func(is *is.I, doc map[string]any) {
			alice = id(doc)
			is.True(alice != "")
			is.Equal(doc["userName"], "alice")
			is.Equal(doc["active"], true)
			is.Equal(doc["groups"], []any{})
		},
	}, {
		name: "create bob", method: "POST", path: func() string { return "/Users" },
		body:   func() string { return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob"}` },
		status: 201,
		check:  func(is *is.I, doc map[string]any) { bob = id(doc); is.True(bob != "" && bob != alice) },
	}, {
		name: "userName is unique, case-insensitively: 409 uniqueness", method: "POST", path: func() string { return "/Users" },
		body:   func() string { return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ALICE"}` },
		status: 409,
		check: func(is *is.I, doc map[string]any) {
			isError(is, doc, "409", "uniqueness")
			is.True(strings.Contains(doc["detail"].(string), "ALICE"))
		},
	}, {
		name: "first page", method: "GET", path: func() string { return "/Users?startIndex=1&count=1" }, status: 200,
		check: func(is *is.I, doc map[string]any) {
			is.Equal(doc["schemas"], []any{"urn:ietf:params:scim:api:messages:2.0:ListResponse"})
			is.Equal(doc["totalResults"], 2.0)
			is.Equal(doc["startIndex"], 1.0)
			is.Equal(doc["itemsPerPage"], 1.0)
			is.Equal(values(doc["Resources"], "userName"), []any{"alice"})
		},
	}, {
		name: "second page", method: "GET", path: func() string { return "/Users?startIndex=2&count=1" }, status: 200,
		check: func(is *is.I, doc map[string]any) {
			is.Equal(doc["totalResults"], 2.0)
			is.Equal(doc["startIndex"], 2.0)
			is.Equal(values(doc["Resources"], "userName"), []any{"bob"})
		},
	}, {
		name: "past the end", method: "GET", path: func() string { return "/Users?startIndex=3&count=1" }, status: 200,
		check: func(is *is.I, doc map[string]any) {
			is.Equal(doc["totalResults"], 2.0)
			is.Equal(values(doc["Resources"], "userName"), []any{})
		},
	}, {
		name: "filter", method: "GET", path: func() string { return "/Users?filter=" + url.QueryEscape(`userName eq "bob"`) }, status: 200,
		check: func(is *is.I, doc map[string]any) {
			is.Equal(doc["totalResults"], 1.0)
			is.Equal(values(doc["Resources"], "id"), []any{bob})
		},
	}, {
		name: "get", method: "GET", path: func() string { return "/Users/" + alice }, status: 200,
		check: func(is *is.I, doc map[string]any) {
			is.Equal(doc["userName"], "alice")
			is.Equal(values(doc["emails"], "value"), []any{"alice@example.com"})
		},
	}, {
		name: "get unknown: 404 in the error schema", method: "GET", path: func() string { return "/Users/nobody" }, status: 404,
		check: func(is *is.I, doc map[string]any) { isError(is, doc, "404", "") },
	}, {
		name: "create group with alice", method: "POST", path: func() string { return "/Groups" },
		body: func() string {
			return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"eng","members":[{"value":%q}]}`, alice)
		},
		status: 201,
		check: func(is *is.I, doc map[string]any) {
			eng = id(doc)
			is.Equal(values(doc["members"], "value"), []any{alice})
			is.Equal(values(doc["members"], "display"), []any{"Alice"})
		},
	}, {
		name: "group displayName is unique: 409 uniqueness", method: "POST", path: func() string { return "/Groups" },
		body: func() string {
			return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"eng"}`
		},
		status: 409,
		check:  func(is *is.I, doc map[string]any) { isError(is, doc, "409", "uniqueness") },
	}, {
		name: "unknown member: 400 invalidValue", method: "POST", path: func() string { return "/Groups" },
		body: func() string {
			return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ghosts","members":[{"value":"nobody"}]}`
		},
		status: 400,
		check:  func(is *is.I, doc map[string]any) { isError(is, doc, "400", "invalidValue") },
	}, {
		name: "patch: add bob", method: "PATCH", path: func() string { return "/Groups/" + eng },
		body: func() string {
			return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, bob)
		},
		status: 200,
		check:  func(is *is.I, doc map[string]any) { is.Equal(values(doc["members"], "value"), []any{alice, bob}) },
	}, {
		// SCIMMY answers a PATCH that changes nothing with 204 and no body.
		name: "patch: add bob again: 204, no body", method: "PATCH", path: func() string { return "/Groups/" + eng },
		body: func() string {
			return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":%q}]}]}`, bob)
		},
		status: 204,
		check:  func(is *is.I, doc map[string]any) { is.Equal(doc, nil) },
	}, {
		name: "User.groups follows the members", method: "GET", path: func() string { return "/Users/" + bob }, status: 200,
		check: func(is *is.I, doc map[string]any) {
			is.Equal(values(doc["groups"], "value"), []any{eng})
			is.Equal(values(doc["groups"], "display"), []any{"eng"})
		},
	}, {
		name: "filter groups by member", method: "GET",
		path: func() string { return "/Groups?filter=" + url.QueryEscape(fmt.Sprintf(`members.value eq %q`, bob)) }, status: 200,
		check: func(is *is.I, doc map[string]any) { is.Equal(values(doc["Resources"], "id"), []any{eng}) },
	}, {
		name: "patch: remove alice", method: "PATCH", path: func() string { return "/Groups/" + eng },
		body: func() string {
			return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"}]}`, alice)
		},
		status: 200,
		check:  func(is *is.I, doc map[string]any) { is.Equal(values(doc["members"], "value"), []any{bob}) },
	}, {
		name: "patch: deactivate alice", method: "PATCH", path: func() string { return "/Users/" + alice },
		body: func() string {
			return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`
		},
		status: 200,
		check:  func(is *is.I, doc map[string]any) { is.Equal(doc["active"], false) },
	}, {
		name: "delete bob", method: "DELETE", path: func() string { return "/Users/" + bob }, status: 204,
		check: func(is *is.I, doc map[string]any) { is.Equal(doc, nil) },
	}, {
		name: "a deleted user leaves its groups", method: "GET", path: func() string { return "/Groups/" + eng }, status: 200,
		check: func(is *is.I, doc map[string]any) { is.Equal(values(doc["members"], "value"), []any{}) },
	}, {
		name: "delete bob again: 404", method: "DELETE", path: func() string { return "/Users/" + bob }, status: 404,
		check: func(is *is.I, doc map[string]any) { isError(is, doc, "404", "") },
	}, {
		name: "delete group", method: "DELETE", path: func() string { return "/Groups/" + eng }, status: 204,
		check: func(is *is.I, doc map[string]any) { is.Equal(doc, nil) },
	}, {
		name: "deleted group: 404", method: "GET", path: func() string { return "/Groups/" + eng }, status: 404,
		check: func(is *is.I, doc map[string]any) { isError(is, doc, "404", "") },
	}}
	for _, step := range steps {
		// The steps share state, so a failed one stops the rest.
		ok := t.Run(step.name, func(t *testing.T) {
			is := is.New(t)
			body := ""
			if step.body != nil {
				body = step.body()
			}
			status, doc := call(t, step.method, base+step.path(), token, body)
			if status != step.status {
				t.Logf("answer: %v", doc)
			}
			is.Equal(status, step.status)
			step.check(is, doc)
		})
		if !ok {
			t.FailNow()
		}
	}
}

// TestBearerAuth shows every request without the right bearer token is
// refused with 401 in the SCIM error schema.
func TestBearerAuth(t *testing.T) {
	base, token := scimmytest.Start(t)
	tests := []struct {
		name   string
		header string
		status int
	}{
		{"no Authorization", "", 401},
		{"wrong token", "Bearer nope", 401},
		{"basic scheme", "Basic " + token, 401},
		{"token without scheme", token, 401},
		{"right token", "Bearer " + token, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			req, err := http.NewRequest(http.MethodGet, base+"/Users", nil)
			is.NoErr(err)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := client.Do(req)
			is.NoErr(err)
			defer func() { _ = resp.Body.Close() }()
			is.Equal(resp.StatusCode, tt.status)
			var doc map[string]any
			is.NoErr(json.NewDecoder(resp.Body).Decode(&doc))
			if tt.status == 401 {
				isError(is, doc, "401", "")
			}
		})
	}
}

// TestSeed checks that Seed's users and groups are on the server as it
// reports them, and that a paged drain returns them all in order.
func TestSeed(t *testing.T) {
	is := is.New(t)
	base, token := scimmytest.Start(t)
	s := scimmytest.Seed(t, base, token, 7, 3)
	is.Equal(len(s.Users), 7)
	is.Equal(len(s.Groups), 3)
	is.Equal(s.Users[0].ID, "00000000-0000-4000-8000-000000000001")
	is.Equal(s.Users[6].ID, "00000000-0000-4000-8000-000000000007")
	is.Equal(s.Groups[2].ID, "00000000-0000-4000-9000-000000000003")

	// users 1, 4, 7 are in group 1; user 1 is in every group.
	is.Equal(s.Groups[0].MemberIDs, []string{s.Users[0].ID, s.Users[3].ID, s.Users[6].ID})
	is.Equal(s.Groups[1].MemberIDs, []string{s.Users[0].ID, s.Users[1].ID, s.Users[4].ID})
	is.Equal(s.Users[0].GroupIDs, []string{s.Groups[0].ID, s.Groups[1].ID, s.Groups[2].ID})
	is.Equal(s.Users[5].GroupIDs, []string{s.Groups[2].ID})

	var drained []any
	for start := 1; start <= 7; start += 3 {
		status, doc := call(t, "GET", fmt.Sprintf("%s/Users?startIndex=%d&count=3", base, start), token, "")
		is.Equal(status, 200)
		is.Equal(doc["totalResults"], 7.0)
		drained = append(drained, values(doc["Resources"], "id")...)
	}
	var want []any
	for _, u := range s.Users {
		want = append(want, u.ID)
	}
	is.Equal(drained, want)

	tests := []struct {
		user       int
		active     bool
		department string
		manager    any
	}{
		{0, true, "Engineering", nil},
		{1, true, "Sales", s.Users[0].ID},
		{4, false, "Sales", s.Users[0].ID},
		{5, true, "Support", s.Users[0].ID},
	}
	for _, tt := range tests {
		u := s.Users[tt.user]
		t.Run(u.UserName, func(t *testing.T) {
			is := is.New(t)
			status, doc := call(t, "GET", base+"/Users/"+u.ID, token, "")
			is.Equal(status, 200)
			is.Equal(doc["userName"], u.UserName)
			is.Equal(doc["displayName"], u.DisplayName)
			is.Equal(doc["active"], tt.active)
			is.Equal(u.Active, tt.active)
			is.Equal(values(doc["emails"], "value"), []any{u.Email})
			is.Equal(doc["name"].(map[string]any)["familyName"], u.FamilyName)
			ext := doc[scimmytest.SchemaEnterpriseUser].(map[string]any)
			is.Equal(ext["department"], tt.department)
			is.Equal(ext["employeeNumber"], u.EmployeeNumber)
			manager, _ := ext["manager"].(map[string]any)
			is.Equal(manager["value"], tt.manager)
			var groups []any
			for _, g := range u.GroupIDs {
				groups = append(groups, g)
			}
			is.Equal(values(doc["groups"], "value"), append([]any{}, groups...))
		})
	}
	for _, g := range s.Groups {
		t.Run(g.DisplayName, func(t *testing.T) {
			is := is.New(t)
			status, doc := call(t, "GET", base+"/Groups/"+g.ID, token, "")
			is.Equal(status, 200)
			is.Equal(doc["displayName"], g.DisplayName)
			var members []any
			for _, m := range g.MemberIDs {
				members = append(members, m)
			}
			is.Equal(values(doc["members"], "value"), members)
		})
	}
}

// TestStopsAtCleanup shows the server is gone once the test that started it
// has ended.
func TestStopsAtCleanup(t *testing.T) {
	is := is.New(t)
	var base, token string
	t.Run("server", func(t *testing.T) {
		base, token = scimmytest.Start(t)
		status, _ := call(t, "GET", base+"/ServiceProviderConfig", token, "")
		is.Equal(status, 200)
	})
	req, err := http.NewRequest(http.MethodGet, base+"/ServiceProviderConfig", nil)
	is.NoErr(err)
	_, err = (&http.Client{Timeout: 2 * time.Second}).Do(req)
	is.True(err != nil) // nothing listens there any more
}

// fatalTB records the first Fatal and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fatalTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }

// TestNoNodeFails shows a machine without Node.js fails the test with a
// message saying what is missing, rather than skipping it.
func TestNoNodeFails(t *testing.T) {
	is := is.New(t)
	t.Setenv("PATH", t.TempDir())
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		scimmytest.Start(f)
	}()
	<-done
	is.True(strings.Contains(f.msg, "Node.js is needed"))
	is.True(strings.Contains(f.msg, "`node` is not on PATH"))
}
