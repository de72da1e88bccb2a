package scimmytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// SCIM schema URNs used by Seed.
const (
	// SchemaUser is the core User schema (RFC 7643 §4.1).
	SchemaUser = "urn:ietf:params:scim:schemas:core:2.0:User"
	// SchemaEnterpriseUser is the Enterprise User extension (RFC 7643 §4.3).
	SchemaEnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	// SchemaGroup is the core Group schema (RFC 7643 §4.2).
	SchemaGroup = "urn:ietf:params:scim:schemas:core:2.0:Group"
)

// Departments are the enterprise departments Seed gives users, in turn.
var Departments = []string{"Engineering", "Sales", "Support"}

// Seeded is what Seed created, in creation order (which is also the order
// the server lists them in).
type Seeded struct {
	// Users are the created users; Users[i] has number i+1.
	Users []User
	// Groups are the created groups; Groups[j] has number j+1.
	Groups []Group
}

// User is one seeded user, as Seed sent it plus the id the server gave it.
type User struct {
	// ID is the server-assigned id.
	ID string
	// UserName is user0001, user0002, ….
	UserName string
	// DisplayName is "User 0001", ….
	DisplayName string
	// GivenName is always "User"; FamilyName is the number, "0001", ….
	GivenName, FamilyName string
	// Email is the single work email, primary: user0001@example.com, ….
	Email string
	// Active is false for every fifth user (numbers 5, 10, …).
	Active bool
	// Department is Departments[(number-1) % 3].
	Department string
	// EmployeeNumber is the number, "0001", ….
	EmployeeNumber string
	// ManagerID is the id of user0001 for every other user, empty for user0001.
	ManagerID string
	// GroupIDs are the ids of the groups the user is a member of, in group order.
	GroupIDs []string
}

// Group is one seeded group and its members.
type Group struct {
	// ID is the server-assigned id.
	ID string
	// DisplayName is group001, group002, ….
	DisplayName string
	// MemberIDs are the ids of its member users, in user order.
	MemberIDs []string
}

// Seed creates users and groups in the server at baseURL through its SCIM
// API (POST /Users, then POST /Groups with members), and returns them.
// Everything but the ids and timestamps is deterministic:
//
//   - user number n (1-based): userName "user%04d", displayName "User %04d",
//     name {givenName "User", familyName "%04d"}, one primary work email
//     "user%04d@example.com", active unless n is a multiple of 5, and the
//     Enterprise extension with department Departments[(n-1)%3],
//     employeeNumber "%04d" and, for n > 1, manager = user0001.
//   - group number m (1-based): displayName "group%03d"; its members are the
//     users whose 0-based index i has i % groups == m-1, plus user0001 in
//     every group (so with groups > 0 every group has a member, and user0001
//     is in all of them).
//
// On a fresh server from Start the ids are deterministic too: users get
// 00000000-0000-4000-8000-%012x and groups 00000000-0000-4000-9000-%012x,
// counting from 1 in hex. Any failed request fails the test.
func Seed(t testing.TB, baseURL, token string, users, groups int) Seeded {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	var s Seeded
	for i := range users {
		u := seedUser(i, s.Users)
		body := map[string]any{
			"schemas":     []string{SchemaUser, SchemaEnterpriseUser},
			"userName":    u.UserName,
			"displayName": u.DisplayName,
			"name":        map[string]string{"givenName": u.GivenName, "familyName": u.FamilyName},
			"emails":      []map[string]any{{"value": u.Email, "type": "work", "primary": true}},
			"active":      u.Active,
		}
		ext := map[string]any{"department": u.Department, "employeeNumber": u.EmployeeNumber}
		if u.ManagerID != "" {
			ext["manager"] = map[string]string{"value": u.ManagerID}
		}
		body[SchemaEnterpriseUser] = ext
		u.ID = create(t, client, baseURL+"/Users", token, body)
		s.Users = append(s.Users, u)
	}
	for j := range groups {
		g := Group{DisplayName: fmt.Sprintf("group%03d", j+1)}
		members := []map[string]string{}
		for i, u := range s.Users {
			if isMember(i, j, groups) {
				g.MemberIDs = append(g.MemberIDs, u.ID)
				members = append(members, map[string]string{"value": u.ID})
			}
		}
		g.ID = create(t, client, baseURL+"/Groups", token, map[string]any{
			"schemas": []string{SchemaGroup}, "displayName": g.DisplayName, "members": members,
		})
		for i := range s.Users {
			if isMember(i, j, groups) {
				s.Users[i].GroupIDs = append(s.Users[i].GroupIDs, g.ID)
			}
		}
		s.Groups = append(s.Groups, g)
	}
	return s
}

// isMember tells whether the user with 0-based index i is in the group with
// 0-based index j of groups.
func isMember(i, j, groups int) bool {
	return i == 0 || i%groups == j
}

// seedUser is the deterministic user with 0-based index i.
func seedUser(i int, before []User) User {
	n := i + 1
	num := fmt.Sprintf("%04d", n)
	u := User{
		UserName:       "user" + num,
		DisplayName:    "User " + num,
		GivenName:      "User",
		FamilyName:     num,
		Email:          "user" + num + "@example.com",
		Active:         n%5 != 0,
		Department:     Departments[i%len(Departments)],
		EmployeeNumber: num,
	}
	if i > 0 {
		u.ManagerID = before[0].ID
	}
	return u
}

// create POSTs body to url and returns the id of the created resource.
func create(t testing.TB, client *http.Client, url, token string, body any) string {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("scimmytest: %v", err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("scimmytest: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("scimmytest: seeding POST %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("scimmytest: seeding POST %s: %s\n%s", url, resp.Status, answer)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(answer, &created); err != nil || created.ID == "" {
		t.Fatalf("scimmytest: seeding POST %s: no id in %s", url, answer)
	}
	return created.ID
}
