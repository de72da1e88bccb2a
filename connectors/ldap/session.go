package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// flavor is the set of defaults one directory flavor gives.
type flavor struct {
	id, login, member         string
	usersFilter, groupsFilter string
	dnAttr                    string   // the attribute filtering entries by DN
	userClasses               []string // object classes of a created user; nil: create_account refused
	rdn                       string   // the naming attribute of a created user
}

var flavors = map[string]flavor{
	FlavorOpenLDAP: {id: "entryUUID", login: "uid", member: "member", usersFilter: "(objectClass=inetOrgPerson)",
		groupsFilter: "(objectClass=groupOfNames)", dnAttr: "entryDN", userClasses: []string{"inetOrgPerson"}, rdn: "uid"},
	FlavorRFC2307bis: {id: "entryUUID", login: "uid", member: "member", usersFilter: "(objectClass=posixAccount)",
		groupsFilter: "(objectClass=posixGroup)", dnAttr: "entryDN"},
	FlavorRFC2307: {id: "entryUUID", login: "uid", member: "memberUid", usersFilter: "(objectClass=posixAccount)",
		groupsFilter: "(objectClass=posixGroup)", dnAttr: "entryDN"},
	FlavorActiveDirectory: {id: "objectGUID", login: "sAMAccountName", member: "member",
		usersFilter: "(&(objectCategory=person)(objectClass=user))", groupsFilter: "(objectClass=group)",
		dnAttr: "distinguishedName", userClasses: []string{"top", "person", "organizationalPerson", "user"}, rdn: "cn"},
	FlavorGeneric: {id: "entryUUID", login: "uid", member: "uniqueMember", usersFilter: "(objectClass=person)",
		groupsFilter: "(objectClass=groupOfUniqueNames)", dnAttr: "entryDN", userClasses: []string{"inetOrgPerson"}, rdn: "uid"},
}

// config is decoded settings with the flavor's defaults applied.
type config struct {
	Settings
	f   flavor
	tls *tls.Config // nil for plain ldap:// without StartTLS
}

// ad reports whether the directory is Active Directory.
func (c *config) ad() bool { return c.Flavor == FlavorActiveDirectory }

// guidIDs reports whether ids are binary objectGUIDs.
func (c *config) guidIDs() bool { return strings.EqualFold(c.IDAttribute, "objectGUID") }

// memberIsLogin reports whether group members are login names (memberUid).
func (c *config) memberIsLogin() bool { return strings.EqualFold(c.MemberAttribute, "memberUid") }

// decodeSettings applies the defaults and checks what the schema cannot.
func decodeSettings(raw json.RawMessage) (*config, error) {
	s, err := toolkit.DecodeSettings[Settings](raw)
	if err != nil {
		return nil, err
	}
	c := &config{Settings: s}
	if c.Flavor == "" {
		c.Flavor = FlavorOpenLDAP
	}
	f, ok := flavors[c.Flavor]
	if !ok {
		return nil, errs.Newf(errs.BadRequest, "Invalid settings: flavor %q is not openldap, rfc2307bis, rfc2307, active_directory or generic.", c.Flavor)
	}
	c.f = f
	def := func(p *string, v string) {
		if *p = strings.TrimSpace(*p); *p == "" {
			*p = v
		}
	}
	def(&c.IDAttribute, f.id)
	def(&c.LoginAttribute, f.login)
	def(&c.MemberAttribute, f.member)
	def(&c.EmailAttribute, "mail")
	def(&c.UsersFilter, f.usersFilter)
	def(&c.GroupsFilter, f.groupsFilter)
	for name, p := range map[string]*string{"users_filter": &c.UsersFilter, "groups_filter": &c.GroupsFilter} {
		if !strings.HasPrefix(*p, "(") {
			*p = "(" + *p + ")"
		}
		if _, err := goldap.CompileFilter(*p); err != nil {
			return nil, errs.Newf(errs.BadRequest, "Invalid settings: %s %q is not an LDAP filter: %v", name, *p, err)
		}
	}
	for _, p := range []*string{&c.BaseDN, &c.UsersBaseDN, &c.GroupsBaseDN} {
		*p = strings.TrimSpace(*p)
		if _, err := goldap.ParseDN(*p); *p != "" && err != nil {
			return nil, errs.Newf(errs.BadRequest, "Invalid settings: %q is not a DN: %v", *p, err)
		}
	}
	if c.NestedMemberships && (!c.ad() || c.memberIsLogin()) {
		return nil, errs.New(errs.BadRequest, "Invalid settings: nested_memberships needs the active_directory flavor (the in-chain matching rule is Active Directory's).")
	}
	if c.PageSize <= 0 {
		c.PageSize = 500
	}
	if c.Timeout <= 0 {
		c.Timeout = 30
	}
	if err := c.tlsSettings(); err != nil {
		return nil, err
	}
	return c, nil
}

// tlsSettings checks url and builds the TLS configuration.
func (c *config) tlsSettings() error {
	c.URL = strings.TrimRight(strings.TrimSpace(c.URL), "/")
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" || u.RawQuery != "" || (u.Path != "" && u.Path != "/") {
		return errs.Newf(errs.BadRequest, "Invalid settings: url %q must be ldap://host[:port] or ldaps://host[:port].", c.URL)
	}
	if u.Scheme == "ldaps" && c.StartTLS {
		return errs.New(errs.BadRequest, "Invalid settings: start_tls upgrades an ldap:// connection; an ldaps:// url is TLS already.")
	}
	if u.Scheme == "ldap" && !c.StartTLS {
		if c.CACertificate != "" || c.InsecureSkipVerify {
			return errs.New(errs.BadRequest, "Invalid settings: ca_certificate and insecure_skip_verify need an ldaps:// url or start_tls.")
		}
		return nil
	}
	t := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // only when the setting says so
	if strings.TrimSpace(c.CACertificate) != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(c.CACertificate)) {
			return errs.New(errs.BadRequest, "Invalid settings: ca_certificate holds no PEM certificate.")
		}
		t.RootCAs = pool
	}
	c.tls = t
	return nil
}

// session is one capability call's connections, with the settings: every
// read goes through rd, the connector's own bound connection (wire.go);
// writes go through conn, a go-ldap connection dialed and bound only when
// the call first writes.
type session struct {
	*config
	rd      *wireConn
	conn    *writer
	timeout time.Duration
	// noSort is set when the server cannot sort by the id attribute.
	noSort bool
	// sortLogged is set once the fallback to sorting here was logged.
	sortLogged bool
}

// newSession decodes the settings, connects and binds with the request's
// basic credential.
func newSession[P any](ctx context.Context, req toolkit.Request[P]) (*session, error) {
	c, err := decodeSettings(req.Settings)
	if err != nil {
		return nil, err
	}
	user, password, err := credential(ctx, req)
	if err != nil {
		return nil, err
	}
	return connect(ctx, c, user, password)
}

// credential is the bind DN and password of the request, the password
// registered as a secret of the call.
func credential[P any](ctx context.Context, req toolkit.Request[P]) (string, string, error) {
	var b *toolkit.BasicCredential
	if req.Auth != nil && req.Auth.Basic != nil {
		b = req.Auth.Basic
	}
	for i := range req.Credentials {
		if req.Credentials[i].Basic != nil {
			b = req.Credentials[i].Basic
		}
	}
	if b == nil {
		return "", "", errs.New(errs.BadRequest, `Missing credential: send {"id":"basic","basic":{"username":"<bind DN>","password":"…"}} in credentials.`)
	}
	toolkit.AddSecret(ctx, b.Password)
	if strings.TrimSpace(b.Username) == "" || b.Password == "" {
		// An empty password would be an unauthenticated bind (RFC 4513 §5.1.2).
		return "", "", errs.New(errs.Unauthorized, "The LDAP basic credential needs a bind DN and a password.")
	}
	return strings.TrimSpace(b.Username), b.Password, nil
}

// callTimeout is the bound of connecting and of each request: the
// timeout setting, or less when the call's deadline is nearer.
func callTimeout(ctx context.Context, c *config) time.Duration {
	timeout := time.Duration(c.Timeout) * time.Second
	if d, ok := ctx.Deadline(); ok && time.Until(d) < timeout {
		timeout = max(time.Until(d), time.Second)
	}
	return timeout
}

// connect dials the directory for reading, upgrades with StartTLS when
// asked, and binds; the connection for writes waits for the first write.
func connect(ctx context.Context, c *config, user, password string) (*session, error) {
	timeout := callTimeout(ctx, c)
	rd, err := dialWire(ctx, c, timeout)
	if err != nil {
		return nil, err
	}
	if err := rd.bind(user, password); err != nil {
		rd.Close()
		return nil, err
	}
	return &session{config: c, rd: rd, conn: &writer{ctx: ctx, c: c, user: user, password: password, timeout: timeout}, timeout: timeout}, nil
}

// close ends the connections.
func (ss *session) close() {
	ss.rd.Close()
	ss.conn.close()
}

// writer is a session's go-ldap connection for writes, dialed and bound
// on first use with the session's settings and credential.
type writer struct {
	ctx            context.Context
	c              *config
	user, password string
	timeout        time.Duration
	conn           *goldap.Conn
	err            error // the failure of the first dial or bind, returned by every later write
}

// get is the bound connection.
func (w *writer) get() (*goldap.Conn, error) {
	if w.conn != nil || w.err != nil {
		return w.conn, w.err
	}
	w.conn, w.err = dialGoLDAP(w.ctx, w.c, w.user, w.password, w.timeout)
	return w.conn, w.err
}

// Add adds an entry.
func (w *writer) Add(req *goldap.AddRequest) error {
	conn, err := w.get()
	if err != nil {
		return err
	}
	return conn.Add(req)
}

// Modify modifies an entry.
func (w *writer) Modify(req *goldap.ModifyRequest) error {
	conn, err := w.get()
	if err != nil {
		return err
	}
	return conn.Modify(req)
}

// PasswordModify runs the Password Modify extended operation (RFC 3062).
func (w *writer) PasswordModify(req *goldap.PasswordModifyRequest) (*goldap.PasswordModifyResult, error) {
	conn, err := w.get()
	if err != nil {
		return nil, err
	}
	return conn.PasswordModify(req)
}

// Del deletes an entry.
func (w *writer) Del(req *goldap.DelRequest) error {
	conn, err := w.get()
	if err != nil {
		return err
	}
	return conn.Del(req)
}

// close closes the connection if it was opened.
func (w *writer) close() {
	if w.conn != nil {
		w.conn.Close()
	}
}

// dialGoLDAP dials a go-ldap connection, upgrades it with StartTLS when
// asked, and binds; it is closed when ctx ends.
func dialGoLDAP(ctx context.Context, c *config, user, password string, timeout time.Duration) (*goldap.Conn, error) {
	opts := []goldap.DialOpt{goldap.DialWithDialer(&net.Dialer{Timeout: timeout})}
	if c.tls != nil && !c.StartTLS {
		opts = append(opts, goldap.DialWithTLSConfig(c.tls))
	}
	conn, err := goldap.DialURL(c.URL, opts...)
	if err != nil {
		return nil, err
	}
	conn.SetTimeout(timeout)
	if c.StartTLS {
		if err := conn.StartTLS(c.tls); err != nil {
			conn.Close()
			return nil, err
		}
	}
	if err := conn.Bind(user, password); err != nil {
		conn.Close()
		return nil, err
	}
	context.AfterFunc(ctx, func() { conn.Close() })
	return conn, nil
}

// resolveBases reads the root DSE: the naming context when base_dn is
// empty (the users and groups bases default to it), and whether the server
// sorts (the server-side sort control).
func (ss *session) resolveBases(ctx context.Context) error {
	res, err := ss.search(ctx, goldap.NewSearchRequest("", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"defaultNamingContext", "namingContexts", "supportedControl"}, nil))
	if err != nil {
		return err
	}
	if len(res.Entries) > 0 {
		e := res.Entries[0]
		ss.noSort = !slices.Contains(e.GetAttributeValues("supportedControl"), goldap.ControlTypeServerSideSorting)
		if ss.BaseDN == "" {
			ss.BaseDN = e.GetAttributeValue("defaultNamingContext")
		}
		if ss.BaseDN == "" {
			ss.BaseDN = e.GetAttributeValue("namingContexts")
		}
	}
	if ss.BaseDN == "" {
		return errs.New(errs.BadRequest, "Invalid settings: base_dn is empty and the root DSE names no naming context; set base_dn.")
	}
	if ss.UsersBaseDN == "" {
		ss.UsersBaseDN = ss.BaseDN
	}
	if ss.GroupsBaseDN == "" {
		ss.GroupsBaseDN = ss.BaseDN
	}
	return nil
}

// open is newSession followed by resolveBases.
func open[P any](ctx context.Context, req toolkit.Request[P]) (*session, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := ss.resolveBases(ctx); err != nil {
		ss.close()
		return nil, err
	}
	return ss, nil
}
