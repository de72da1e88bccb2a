package oktafake

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

const stamp = "2006-01-02T15:04:05.000Z"

func (f *Fake) getOrg(w http.ResponseWriter, r *http.Request, _ []string) {
	writeJSON(w, http.StatusOK, map[string]any{"id": f.OrgID, "companyName": "Fake Corp", "subdomain": "fake", "status": "ACTIVE",
		"created": "2020-01-01T00:00:00.000Z", "lastUpdated": "2020-01-01T00:00:00.000Z", "website": "https://example.com"})
}

// render is a user as Okta answers it.
func (f *Fake) render(u *User) map[string]any {
	prof := map[string]any{"login": u.Login, "email": u.Email, "firstName": nullable(u.FirstName), "lastName": nullable(u.LastName)}
	for k, v := range u.Extra {
		prof[k] = v
	}
	created := u.Created.UTC().Format(stamp)
	var lastLogin, activated any
	if !u.LastLogin.IsZero() {
		lastLogin = u.LastLogin.UTC().Format(stamp)
	}
	if u.Status != "STAGED" {
		activated = created
	}
	return map[string]any{"id": u.ID, "status": u.Status, "created": created, "activated": activated, "statusChanged": created,
		"lastLogin": lastLogin, "lastUpdated": created, "passwordChanged": nil, "type": map[string]any{"id": "oty1fakeusertype00"},
		"profile": prof, "credentials": map[string]any{"provider": map[string]any{"type": "OKTA", "name": "OKTA"}},
		"_links": map[string]any{"self": map[string]any{"href": f.srv.URL + "/api/v1/users/" + u.ID}}}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// filterRE is the one filter form the fake understands: status eq "X".
var filterRE = regexp.MustCompile(`^status eq "([A-Z_]+)"$`)

func (f *Fake) listUsers(w http.ResponseWriter, r *http.Request, _ []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	keep := func(u *User) bool { return u.Status != "DEPROVISIONED" } // Okta leaves them out unless filtered
	if fl := r.URL.Query().Get("filter"); fl != "" {
		m := filterRE.FindStringSubmatch(fl)
		if m == nil {
			f.fail(w, http.StatusBadRequest, "E0000031", "Invalid search criteria.")
			return
		}
		keep = func(u *User) bool { return u.Status == m[1] }
	}
	ids, ok := f.pageOf(w, r, f.sortedUsers(keep), MaxLimit)
	if !ok {
		return
	}
	out := make([]map[string]any, len(ids))
	for i, id := range ids {
		out[i] = f.render(f.users[id])
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) getUser(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.userByIDOrLogin(p[0])
	if u == nil {
		f.notFound(w, p[0], "User")
		return
	}
	writeJSON(w, http.StatusOK, f.render(u))
}

func (f *Fake) userByIDOrLogin(key string) *User {
	if u, ok := f.users[key]; ok {
		return u
	}
	for _, u := range f.users {
		if strings.EqualFold(u.Login, key) {
			return u
		}
	}
	return nil
}

func (f *Fake) createUser(w http.ResponseWriter, r *http.Request, _ []string) {
	var body struct {
		Profile     map[string]any `json:"profile"`
		GroupIDs    []string       `json:"groupIds"`
		Credentials map[string]any `json:"credentials"`
	}
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &body); err != nil {
		f.fail(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return
	}
	str := func(k string) string { s, _ := body.Profile[k].(string); return s }
	var causes []string
	if str("login") == "" {
		causes = append(causes, "login: The field cannot be left blank")
	}
	if str("email") == "" {
		causes = append(causes, "email: The field cannot be left blank")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if str("login") != "" && f.userByIDOrLogin(str("login")) != nil {
		causes = append(causes, "login: An object with this field already exists in the current organization")
	}
	for _, g := range body.GroupIDs {
		if f.groups[g] == nil {
			causes = append(causes, "groupIds: Group "+g+" not found")
		}
	}
	if len(causes) > 0 {
		f.fail(w, http.StatusBadRequest, "E0000001", "Api validation failed: login", causes...)
		return
	}
	status := "STAGED"
	if r.URL.Query().Get("activate") != "false" {
		status = "PROVISIONED" // activated without a password: the user sets one
		if body.Credentials != nil {
			status = "ACTIVE"
		}
	}
	id := f.addUser(User{Login: str("login"), Email: str("email"), FirstName: str("firstName"), LastName: str("lastName"), Status: status, Created: time.Now()})
	for _, g := range body.GroupIDs {
		f.members[g][id] = true
	}
	writeJSON(w, http.StatusOK, f.render(f.users[id]))
}

func (f *Fake) deleteUser(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[p[0]]
	if u == nil {
		f.notFound(w, p[0], "User")
		return
	}
	if u.Status != "DEPROVISIONED" { // Okta's first DELETE deactivates
		u.Status = "DEPROVISIONED"
		w.WriteHeader(http.StatusNoContent)
		return
	}
	delete(f.users, u.ID)
	f.order = nil
	for _, m := range f.members {
		delete(m, u.ID)
	}
	for _, m := range f.appUsers {
		delete(m, u.ID)
	}
	delete(f.roles, u.ID)
	w.WriteHeader(http.StatusNoContent)
}

// transitions are the lifecycle operations: from which statuses, to which.
var transitions = map[string]struct {
	from []string
	to   string
}{
	"activate":   {[]string{"STAGED", "DEPROVISIONED"}, "PROVISIONED"},
	"reactivate": {[]string{"PROVISIONED"}, "PROVISIONED"},
	"deactivate": {[]string{"STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED"}, "DEPROVISIONED"},
	"suspend":    {[]string{"ACTIVE"}, "SUSPENDED"},
	"unsuspend":  {[]string{"SUSPENDED"}, "ACTIVE"},
	"unlock":     {[]string{"LOCKED_OUT"}, "ACTIVE"},
}

func (f *Fake) lifecycle(w http.ResponseWriter, r *http.Request, p []string) {
	t, known := transitions[p[1]]
	if !known {
		f.fail(w, http.StatusNotFound, "E0000022", "The endpoint does not support the provided HTTP method")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[p[0]]
	if u == nil {
		f.notFound(w, p[0], "User")
		return
	}
	allowed := false
	for _, s := range t.from {
		allowed = allowed || s == u.Status
	}
	if !allowed {
		f.fail(w, http.StatusForbidden, "E0000038", "This operation is not allowed in the user's current status.")
		return
	}
	u.Status = t.to
	if p[1] == "activate" || p[1] == "reactivate" {
		writeJSON(w, http.StatusOK, map[string]any{"activationToken": "tok" + u.ID, "activationUrl": f.srv.URL + "/welcome/tok" + u.ID})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// ---- groups -------------------------------------------------------------------------

func renderGroup(g *Group) map[string]any {
	return map[string]any{"id": g.ID, "type": g.Type, "created": "2020-01-01T00:00:00.000Z", "lastUpdated": "2020-01-01T00:00:00.000Z",
		"lastMembershipUpdated": "2020-01-01T00:00:00.000Z", "objectClass": []string{"okta:user_group"},
		"profile": map[string]any{"name": g.Name, "description": g.Description}}
}

func (f *Fake) sortedGroups() []string {
	var ids []string
	for id := range f.groups {
		ids = append(ids, id)
	}
	f.bySeq(ids)
	return ids
}

func (f *Fake) listGroups(w http.ResponseWriter, r *http.Request, _ []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids, ok := f.pageOf(w, r, f.sortedGroups(), 10000)
	if !ok {
		return
	}
	out := make([]map[string]any, len(ids))
	for i, id := range ids {
		out[i] = renderGroup(f.groups[id])
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) getGroup(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.groups[p[0]]
	if g == nil {
		f.notFound(w, p[0], "UserGroup")
		return
	}
	writeJSON(w, http.StatusOK, renderGroup(g))
}

func (f *Fake) groupUsers(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.groups[p[0]] == nil {
		f.notFound(w, p[0], "UserGroup")
		return
	}
	var ids []string
	for id := range f.members[p[0]] {
		ids = append(ids, id)
	}
	f.bySeq(ids)
	page, ok := f.pageOf(w, r, ids, 1000)
	if !ok {
		return
	}
	out := make([]map[string]any, len(page))
	for i, id := range page {
		out[i] = f.render(f.users[id])
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) userGroups(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users[p[0]] == nil {
		f.notFound(w, p[0], "User")
		return
	}
	var ids []string
	for _, gid := range f.sortedGroups() {
		if f.members[gid][p[0]] {
			ids = append(ids, gid)
		}
	}
	page, ok := f.pageOf(w, r, ids, 10000)
	if !ok {
		return
	}
	out := make([]map[string]any, len(page))
	for i, id := range page {
		out[i] = renderGroup(f.groups[id])
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) addMember(w http.ResponseWriter, r *http.Request, p []string) {
	f.changeMember(w, p, true)
}

func (f *Fake) removeMember(w http.ResponseWriter, r *http.Request, p []string) {
	f.changeMember(w, p, false)
}

func (f *Fake) changeMember(w http.ResponseWriter, p []string, add bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.groups[p[0]]
	switch {
	case g == nil:
		f.notFound(w, p[0], "UserGroup")
		return
	case f.users[p[1]] == nil:
		f.notFound(w, p[1], "User")
		return
	case g.Type != "OKTA_GROUP":
		f.fail(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
		return
	}
	if add {
		f.members[g.ID][p[1]] = true
	} else {
		delete(f.members[g.ID], p[1])
	}
	w.WriteHeader(http.StatusNoContent)
}

// ---- apps and roles ---------------------------------------------------------------

func (f *Fake) renderApp(a *App) map[string]any {
	return map[string]any{"id": a.ID, "name": "bookmark", "label": a.Label, "status": "ACTIVE", "signOnMode": "BOOKMARK",
		"created": "2020-01-01T00:00:00.000Z", "lastUpdated": "2020-01-01T00:00:00.000Z",
		"settings": map[string]any{"app": map[string]any{"url": "https://example.com/" + a.Name, "requestIntegration": false}}}
}

var userFilterRE = regexp.MustCompile(`^user\.id eq "([^"]+)"$`)

func (f *Fake) listApps(w http.ResponseWriter, r *http.Request, _ []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	uid := ""
	if fl := r.URL.Query().Get("filter"); fl != "" {
		m := userFilterRE.FindStringSubmatch(fl)
		if m == nil {
			f.fail(w, http.StatusBadRequest, "E0000031", "Invalid search criteria.")
			return
		}
		uid = m[1]
	}
	for id := range f.apps {
		if uid == "" || f.appUsers[id][uid] {
			ids = append(ids, id)
		}
	}
	f.bySeq(ids)
	page, ok := f.pageOf(w, r, ids, 20)
	if !ok {
		return
	}
	out := make([]map[string]any, len(page))
	for i, id := range page {
		out[i] = f.renderApp(f.apps[id])
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) appUsersList(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.apps[p[0]] == nil {
		f.notFound(w, p[0], "AppInstance")
		return
	}
	var ids []string
	for id := range f.appUsers[p[0]] {
		ids = append(ids, id)
	}
	f.bySeq(ids)
	page, ok := f.pageOf(w, r, ids, 50)
	if !ok {
		return
	}
	out := make([]map[string]any, len(page))
	for i, id := range page {
		out[i] = map[string]any{"id": id, "scope": "USER", "status": "ACTIVE", "syncState": "DISABLED",
			"created": "2020-01-01T00:00:00.000Z", "lastUpdated": "2020-01-01T00:00:00.000Z",
			"credentials": map[string]any{"userName": f.users[id].Login}, "profile": map[string]any{}}
	}
	writeJSON(w, http.StatusOK, out)
}

// renderRole is a role assignment as Okta answers it; a CUSTOM one names
// its role and resource set and carries the role's label.
func (f *Fake) renderRole(r Role) map[string]any {
	out := map[string]any{"id": r.ID, "type": r.Type, "label": r.Type, "status": "ACTIVE", "assignmentType": r.AssignmentType,
		"created": "2020-01-01T00:00:00.000Z", "lastUpdated": "2020-01-01T00:00:00.000Z"}
	if r.Type == "CUSTOM" {
		out["role"], out["resource-set"] = r.CustomRole, r.ResourceSet
		if cr := f.iamRoles[r.CustomRole]; cr != nil {
			out["label"] = cr.Label
		}
	}
	return out
}

func (f *Fake) userRoles(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users[p[0]] == nil {
		f.notFound(w, p[0], "User")
		return
	}
	out := []map[string]any{}
	for _, role := range f.roles[p[0]] {
		out = append(out, f.renderRole(role))
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) assignRole(w http.ResponseWriter, r *http.Request, p []string) {
	var body struct {
		Type        string `json:"type"`
		Role        string `json:"role"`
		ResourceSet string `json:"resource-set"`
	}
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &body)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.users[p[0]] == nil {
		f.notFound(w, p[0], "User")
		return
	}
	if !f.checkAssignment(w, body.Type, body.Role, body.ResourceSet) {
		return
	}
	for _, role := range f.roles[p[0]] {
		if role.Type == body.Type && role.AssignmentType == "USER" && role.CustomRole == body.Role && role.ResourceSet == body.ResourceSet {
			f.fail(w, http.StatusBadRequest, "E0000090", "Duplicate role assignment exception.")
			return
		}
	}
	var id string
	if body.Type == "CUSTOM" {
		id = f.addCustom(p[0], body.Role, body.ResourceSet, false)
	} else {
		id = f.addRole(p[0], body.Type, false)
	}
	roles := f.roles[p[0]]
	for _, role := range roles {
		if role.ID == id {
			writeJSON(w, http.StatusCreated, f.renderRole(role))
		}
	}
}

func (f *Fake) unassignRole(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	roles := f.roles[p[0]]
	for i, role := range roles {
		if role.ID == p[1] && role.AssignmentType == "USER" {
			f.roles[p[0]] = append(roles[:i:i], roles[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	f.notFound(w, p[1], "Role")
}

func (f *Fake) roleAssignees(w http.ResponseWriter, r *http.Request, _ []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id, roles := range f.roles {
		if len(roles) > 0 && f.users[id] != nil {
			ids = append(ids, id)
		}
	}
	f.bySeq(ids)
	page, ok := f.pageOf(w, r, ids, 100)
	if !ok {
		return
	}
	value := make([]map[string]any, len(page))
	for i, id := range page {
		value[i] = map[string]any{"id": id, "orn": "orn:okta:directory:" + f.OrgID + ":users:" + id}
	}
	body := map[string]any{"value": value, "_links": map[string]any{}}
	if next := nextOf(w.Header()["Link"]); next != "" {
		body["_links"] = map[string]any{"next": map[string]any{"href": next}}
	}
	writeJSON(w, http.StatusOK, body)
}

// nextOf is the rel="next" target among the Link values pageOf set.
func nextOf(links []string) string {
	for _, l := range links {
		if strings.HasSuffix(l, `rel="next"`) {
			return strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(l, ">", 2)[0], "<"), "")
		}
	}
	return ""
}
