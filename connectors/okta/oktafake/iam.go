package oktafake

import (
	"net/http"
	"sort"
	"strings"
)

// DefaultIAMPage is how many entries a page of the fake's iam listings
// (custom roles, resource sets, bindings) holds unless SetIAMPageSize
// changes it. Okta documents no limit parameter for them: they are paged
// by the after cursor of the next link in the body's _links.
const DefaultIAMPage = 20

// CustomRole is one custom admin role (a set of permissions) of the fake.
type CustomRole struct {
	ID          string // cr0…; made up when empty
	Label       string // unique in the org
	Description string
}

// ResourceSet is one resource set (what a custom role applies to) of the
// fake.
type ResourceSet struct {
	ID          string // iam…; made up when empty
	Label       string // unique in the org
	Description string
}

// SetIAMPageSize sets how many entries a page of the iam listings holds
// (at least 1).
func (f *Fake) SetIAMPageSize(n int) {
	f.mu.Lock()
	f.iamPage = max(n, 1)
	f.mu.Unlock()
}

// AddCustomRole adds a custom admin role and returns its id.
func (f *Fake) AddCustomRole(cr CustomRole) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if cr.ID == "" {
		cr.ID = f.newID("cr0")
	} else if _, ok := f.seqOf[cr.ID]; !ok {
		f.seq++
		f.seqOf[cr.ID] = f.seq
	}
	f.iamRoles[cr.ID] = &cr
	return cr.ID
}

// AddResourceSet adds a resource set and returns its id.
func (f *Fake) AddResourceSet(rs ResourceSet) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rs.ID == "" {
		rs.ID = f.newID("iam")
	} else if _, ok := f.seqOf[rs.ID]; !ok {
		f.seq++
		f.seqOf[rs.ID] = f.seq
	}
	f.sets[rs.ID] = &rs
	f.bindings[rs.ID] = map[string]bool{}
	return rs.ID
}

// AddBinding binds a custom role to a resource set (a binding without
// members yet).
func (f *Fake) AddBinding(resourceSetID, roleID string) {
	f.mu.Lock()
	f.bindings[resourceSetID][roleID] = true
	f.mu.Unlock()
}

// AddCustomAssignment assigns the custom role on the resource set to the
// user (assignmentType USER, or GROUP when viaGroup), binding them as Okta
// does, and returns the assignment id.
func (f *Fake) AddCustomAssignment(userID, roleID, resourceSetID string, viaGroup bool) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addCustom(userID, roleID, resourceSetID, viaGroup)
}

func (f *Fake) addCustom(userID, roleID, resourceSetID string, viaGroup bool) string {
	r := Role{ID: f.newID("irb"), Type: "CUSTOM", AssignmentType: "USER", CustomRole: roleID, ResourceSet: resourceSetID}
	if viaGroup {
		r.AssignmentType = "GROUP"
	}
	f.roles[userID] = append(f.roles[userID], r)
	if f.bindings[resourceSetID] != nil {
		f.bindings[resourceSetID][roleID] = true
	}
	return r.ID
}

// Assignments are copies of the user's role assignments, in assignment
// order.
func (f *Fake) Assignments(userID string) []Role {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Role(nil), f.roles[userID]...)
}

// checkAssignment refuses a role assignment body Okta would refuse: no
// type, or a CUSTOM one without a known role and resource set.
func (f *Fake) checkAssignment(w http.ResponseWriter, typ, role, set string) bool {
	var causes []string
	switch {
	case typ == "":
		causes = append(causes, "type: The field cannot be left blank")
	case typ != "CUSTOM" && (role != "" || set != ""):
		causes = append(causes, "role: Only a CUSTOM role assignment names a role and a resource set")
	case typ == "CUSTOM" && (role == "" || set == ""):
		causes = append(causes, "role, resource-set: A CUSTOM role assignment needs both")
	}
	if len(causes) > 0 {
		f.fail(w, http.StatusBadRequest, "E0000001", "Api validation failed: type", causes...)
		return false
	}
	if typ != "CUSTOM" {
		return true
	}
	if f.iamRoles[role] == nil {
		f.notFound(w, role, "CustomRole")
		return false
	}
	if f.sets[set] == nil {
		f.notFound(w, set, "ResourceSet")
		return false
	}
	return true
}

// iamList answers one page of an iam listing: the entries under key and
// _links.next (and the Link header) when more follow.
func (f *Fake) iamList(w http.ResponseWriter, r *http.Request, key string, ids []string, render func(id string) map[string]any) {
	page, ok := f.cut(w, r, ids, f.iamPage, false)
	if !ok {
		return
	}
	items := make([]map[string]any, len(page))
	for i, id := range page {
		items[i] = render(id)
	}
	links := map[string]any{}
	if next := nextOf(w.Header()["Link"]); next != "" {
		links["next"] = map[string]any{"href": next}
	}
	writeJSON(w, http.StatusOK, map[string]any{key: items, "_links": links})
}

func (f *Fake) renderCustomRole(cr *CustomRole) map[string]any {
	return map[string]any{"id": cr.ID, "label": cr.Label, "description": cr.Description,
		"created": "2021-02-06T16:20:57.000Z", "lastUpdated": "2021-02-06T16:20:57.000Z",
		"_links": map[string]any{"self": map[string]any{"href": f.srv.URL + "/api/v1/iam/roles/" + cr.ID}}}
}

func (f *Fake) renderResourceSet(rs *ResourceSet) map[string]any {
	self := f.srv.URL + "/api/v1/iam/resource-sets/" + rs.ID
	return map[string]any{"id": rs.ID, "label": rs.Label, "description": rs.Description,
		"created": "2021-02-06T16:20:57.000Z", "lastUpdated": "2021-02-06T16:20:57.000Z",
		"_links": map[string]any{"self": map[string]any{"href": self}, "bindings": map[string]any{"href": self + "/bindings"}}}
}

// keysBySeq are the keys of m in creation order.
func keysBySeq[V any](f *Fake, m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	f.bySeq(ids)
	return ids
}

func (f *Fake) listCustomRoles(w http.ResponseWriter, r *http.Request, _ []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.iamList(w, r, "roles", keysBySeq(f, f.iamRoles), func(id string) map[string]any { return f.renderCustomRole(f.iamRoles[id]) })
}

// getCustomRole answers a custom role by id or by label, as Okta does.
func (f *Fake) getCustomRole(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cr := f.iamRoles[p[0]]
	for _, c := range f.iamRoles {
		if cr == nil && strings.EqualFold(c.Label, p[0]) {
			cr = c
		}
	}
	if cr == nil {
		f.notFound(w, p[0], "CustomRole")
		return
	}
	writeJSON(w, http.StatusOK, f.renderCustomRole(cr))
}

func (f *Fake) listResourceSets(w http.ResponseWriter, r *http.Request, _ []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.iamList(w, r, "resource-sets", keysBySeq(f, f.sets), func(id string) map[string]any { return f.renderResourceSet(f.sets[id]) })
}

func (f *Fake) getResourceSet(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rs := f.sets[p[0]]
	if rs == nil {
		f.notFound(w, p[0], "ResourceSet")
		return
	}
	writeJSON(w, http.StatusOK, f.renderResourceSet(rs))
}

// listBindings lists the custom roles bound to a resource set.
func (f *Fake) listBindings(w http.ResponseWriter, r *http.Request, p []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rs := f.sets[p[0]]
	if rs == nil {
		f.notFound(w, p[0], "ResourceSet")
		return
	}
	base := f.srv.URL + "/api/v1/iam/resource-sets/" + rs.ID + "/bindings/"
	f.iamList(w, r, "roles", keysBySeq(f, f.bindings[rs.ID]), func(id string) map[string]any {
		return map[string]any{"id": id, "_links": map[string]any{"self": map[string]any{"href": f.srv.URL + "/api/v1/iam/roles/" + id},
			"members": map[string]any{"href": base + id + "/members"}}}
	})
}
