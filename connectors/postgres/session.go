package postgres

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// session is one capability call's view of the cluster: its settings, the
// credential, and the connections opened so far (one per database, made on
// first use, closed by close).
type session struct {
	s        Settings
	user     string
	password string
	conns    map[string]*pgx.Conn
}

// newSession decodes the settings and picks the credential; it connects
// to nothing yet.
func newSession[P any](ctx context.Context, req toolkit.Request[P]) (*session, error) {
	s, err := decodeSettings(req.Settings)
	addKeySecrets(ctx, s) // before any error: a refused key is a secret too
	if err != nil {
		return nil, err
	}
	var basic *toolkit.BasicCredential
	if req.Auth != nil {
		basic = req.Auth.Basic
	}
	for i := range req.Credentials {
		if basic == nil && req.Credentials[i].Basic != nil {
			basic = req.Credentials[i].Basic
			break
		}
	}
	if basic == nil {
		return nil, errs.New(errs.BadRequest, `Missing credential: send {"basic":{"username":"…","password":"…"}} in auth (or with "id":"basic" in credentials).`)
	}
	if strings.TrimSpace(basic.Username) == "" {
		return nil, errs.New(errs.Unauthorized, "The PostgreSQL credential has an empty user name.")
	}
	toolkit.AddSecret(ctx, basic.Password)
	return &session{s: s, user: basic.Username, password: basic.Password, conns: map[string]*pgx.Conn{}}, nil
}

// decodeSettings applies the defaults and checks what the schema cannot.
func decodeSettings(raw []byte) (Settings, error) {
	s, err := toolkit.DecodeSettings[Settings](raw)
	if err != nil {
		return s, err
	}
	s.Host = strings.TrimSpace(s.Host)
	if s.Host == "" || strings.ContainsAny(s.Host, " /'\\,") {
		return s, errs.Newf(errs.BadRequest, "Invalid settings: host %q must be a host name or an IP address.", s.Host)
	}
	if s.Port <= 0 || s.Port > 65535 {
		return s, errs.Newf(errs.BadRequest, "Invalid settings: port %d is not a TCP port.", s.Port)
	}
	if s.Database = strings.TrimSpace(s.Database); s.Database == "" {
		s.Database = "postgres"
	}
	var extra []string
	for _, d := range s.ExtraDatabases {
		if d = strings.TrimSpace(d); d != "" && d != s.Database && !slices.Contains(extra, d) {
			extra = append(extra, d)
		}
	}
	s.ExtraDatabases = extra
	if len(s.ObjectKinds) == 0 {
		s.ObjectKinds = []string{KindDatabases, KindSchemas}
	}
	kinds := []string{KindDatabases, KindSchemas, KindTables, KindSequences, KindFunctions}
	for _, k := range s.ObjectKinds {
		if !slices.Contains(kinds, k) {
			return s, errs.Newf(errs.BadRequest, "Invalid settings: object_kinds holds %q; the kinds are %s.", k, strings.Join(kinds, ", "))
		}
	}
	if err := checkTLSSettings(&s); err != nil {
		return s, err
	}
	if s.ConnectTimeoutSeconds <= 0 {
		s.ConnectTimeoutSeconds = 10
	}
	return s, nil
}

// checkTLSSettings checks the TLS settings (sslmode, ca_certificate, the
// client certificate's, crl), applies their defaults, and keeps what they
// hold ready for the connections: the client certificate, the CRLs.
func checkTLSSettings(s *Settings) error {
	switch s.SSLMode {
	case "":
		s.SSLMode = SSLPrefer
	case SSLDisable, SSLPrefer, SSLRequire, SSLVerifyCA, SSLVerifyFull:
	default:
		return errs.Newf(errs.BadRequest, "Invalid settings: sslmode %q is not disable, prefer, require, verify-ca or verify-full.", s.SSLMode)
	}
	if strings.TrimSpace(s.CACertificate) != "" {
		if _, err := caPool(s.CACertificate); err != nil {
			return err
		}
	}
	if err := checkClientCert(s); err != nil {
		return err
	}
	if strings.TrimSpace(s.CRL) != "" {
		crls, err := parseCRLs(s.CRL)
		if err != nil {
			return err
		}
		s.crls = crls
	}
	return nil
}

// kind reports whether objects of kind k are exposed.
func (s Settings) kind(k string) bool { return slices.Contains(s.ObjectKinds, k) }

// databases are the inspected databases: the connection's, then the others.
func (s Settings) databases() []string { return append([]string{s.Database}, s.ExtraDatabases...) }

// caPool reads the CA certificate setting.
func caPool(pem string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(pem)) {
		return nil, errs.New(errs.BadRequest, "Invalid settings: ca_certificate holds no PEM certificate.")
	}
	return pool, nil
}

// quoteKV quotes a value of a keyword/value connection string.
func quoteKV(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// config is the connection configuration for database db. The password is
// set on the parsed configuration, never written into a string.
func (ss *session) config(db string) (*pgx.ConnConfig, error) {
	s := ss.s
	dsn := fmt.Sprintf("host=%s port=%d dbname=%s user=%s sslmode=disable connect_timeout=%d application_name=lumos",
		quoteKV(s.Host), s.Port, quoteKV(db), quoteKV(ss.user), s.ConnectTimeoutSeconds)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errs.Wrap(err, errs.BadRequest, "Invalid settings: the connection settings cannot be used: "+err.Error())
	}
	cfg.Password = ss.password
	cfg.ConnectTimeout = time.Duration(s.ConnectTimeoutSeconds) * time.Second
	if s.SSLMode == SSLDisable {
		return cfg, nil
	}
	tc, err := ss.tlsConfig()
	if err != nil {
		return nil, err
	}
	cfg.TLSConfig = tc
	cfg.SSLCertMode = s.SSLCertMode
	if s.sendsClientCert() {
		cfg.AfterNetConnect = keepCertAlert
	}
	cfg.Fallbacks = nil
	if s.SSLMode == SSLPrefer { // TLS first, then the same server in plain text
		cfg.Fallbacks = []*pgconn.FallbackConfig{{Host: cfg.Host, Port: cfg.Port}}
	}
	return cfg, nil
}

// tlsConfig is the TLS configuration of the sslmode setting: prefer and
// require check no certificate (unless a CA is given, as libpq does),
// verify-ca checks the chain, verify-full the chain and the host name. In
// every mode the client certificate, when configured, is presented.
func (ss *session) tlsConfig() (*tls.Config, error) {
	tc, err := ss.serverCheck()
	if err != nil {
		return nil, err
	}
	return withClientCert(tc, ss.s), nil
}

// serverCheck is the part of the TLS configuration that checks the
// server's certificate, as the sslmode setting says.
func (ss *session) serverCheck() (*tls.Config, error) {
	s := ss.s
	var roots *x509.CertPool
	if strings.TrimSpace(s.CACertificate) != "" {
		pool, err := caPool(s.CACertificate)
		if err != nil {
			return nil, err
		}
		roots = pool
	}
	crls := s.crls
	if s.SSLMode == SSLVerifyFull {
		tc := &tls.Config{ServerName: s.Host, RootCAs: roots, MinVersion: tls.VersionTLS12}
		if len(crls) > 0 { // the chains crypto/tls verified, against the revocation lists
			tc.VerifyPeerCertificate = func(_ [][]byte, chains [][]*x509.Certificate) error {
				return checkRevocation(chains, crls, time.Now())
			}
		}
		return tc, nil
	}
	if roots == nil && s.SSLMode != SSLVerifyCA {
		// sslmode prefer/require without a CA: libpq's meaning, nothing is checked (not crl either)
		return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, nil //nolint:gosec // see above
	}
	return &tls.Config{
		InsecureSkipVerify: true, // the chain is checked below, the host name is not (verify-ca)
		MinVersion:         tls.VersionTLS12,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			chains, err := verifyChain(raw, roots)
			if err != nil || len(crls) == 0 {
				return err
			}
			return checkRevocation(chains, crls, time.Now())
		},
	}, nil
}

// verifyChain checks the server's certificate chain against roots (the
// system's when nil), ignoring the host name, and returns the verified
// chains.
func verifyChain(raw [][]byte, roots *x509.CertPool) ([][]*x509.Certificate, error) {
	if len(raw) == 0 {
		return nil, errors.New("the server sent no certificate")
	}
	certs := make([]*x509.Certificate, len(raw))
	for i, b := range raw {
		c, err := x509.ParseCertificate(b)
		if err != nil {
			return nil, err
		}
		certs[i] = c
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	return certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
}

// conn returns the connection to database db, opening it on first use.
func (ss *session) conn(ctx context.Context, db string) (*pgx.Conn, error) {
	if c := ss.conns[db]; c != nil {
		return c, nil
	}
	cfg, err := ss.config(db)
	if err != nil {
		return nil, err
	}
	if err := spend(ctx); err != nil {
		return nil, err
	}
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		if refused := certRefused(err, ss.s); refused != nil {
			return nil, refused
		}
		return nil, connectError(err, ss.s, db)
	}
	ss.conns[db] = c
	return c, nil
}

// close closes every connection of the call.
func (ss *session) close() {
	for db, c := range ss.conns {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = c.Close(ctx)
		cancel()
		delete(ss.conns, db)
	}
}

// spend charges one upstream request (a query or a connection) to the
// call's budget.
func spend(ctx context.Context) error {
	if sp := toolkit.SpendingOf(ctx); sp != nil {
		return sp.Request()
	}
	return nil
}

// collect runs one query in database db and scans every row with scan,
// charging the call's budget one request and the bytes of the rows.
func collect[T any](ctx context.Context, ss *session, db, sql string, args []any, scan func(pgx.Rows) (T, error)) ([]T, error) {
	c, err := ss.conn(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := spend(ctx); err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sp := toolkit.SpendingOf(ctx)
	var out []T
	bytes := 0
	for rows.Next() {
		if sp != nil {
			for _, v := range rows.RawValues() {
				bytes += len(v)
			}
			if bytes >= 64<<10 {
				if err := sp.Read(bytes); err != nil {
					return nil, err
				}
				bytes = 0
			}
		}
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if sp != nil && bytes > 0 {
		if err := sp.Read(bytes); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// exec runs one statement in database db, charged to the budget.
func (ss *session) exec(ctx context.Context, db, sql string, args ...any) error {
	c, err := ss.conn(ctx, db)
	if err != nil {
		return err
	}
	if err := spend(ctx); err != nil {
		return err
	}
	_, err = c.Exec(ctx, sql, args...)
	return err
}

// databaseName is the name of the inspected database with OID oid; a
// database that is gone is not_found, one the settings do not inspect is
// bad_request.
func (ss *session) databaseName(ctx context.Context, oid uint32) (string, error) {
	names, err := collect(ctx, ss, ss.s.Database, "SELECT datname FROM pg_database WHERE oid = $1", []any{oid}, scanOne[string])
	if err != nil {
		return "", err
	}
	if len(names) == 0 {
		return "", errs.Newf(errs.NotFound, "PostgreSQL: no database has the OID %d.", oid)
	}
	if !slices.Contains(ss.s.databases(), names[0]) {
		return "", errs.Newf(errs.BadRequest, "The database %q (OID %d) is not inspected: add it to the extra_databases setting.", names[0], oid)
	}
	return names[0], nil
}

// scanOne scans a one-column row.
func scanOne[T any](rows pgx.Rows) (T, error) {
	var v T
	err := rows.Scan(&v)
	return v, err
}

// hostPort is host:port as a tenant id part, IPv6 in brackets.
func hostPort(s Settings) string {
	return strings.ToLower(net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
}
