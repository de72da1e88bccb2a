package github

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// leakyToken is the PAT of the leak tests: with a '/' and a '+', so that
// its \/ and \u002f spellings differ from the literal one.
const leakyToken = "ghp_Leak/Test+Secret0123456789abcdef"

// leakTarget is one capability and the request of it the hostile upstream
// answers (the first of its kind the capability sends).
type leakTarget struct {
	capName string
	method  string
	path    string
	entry   func(int) string // the entries of the attacked list; nil: the answer is an object
	request func(stranger int64) any
}

var leakTargets = []leakTarget{
	{"validate_credentials", "GET", "/orgs/acme/members", userEntry, func(int64) any { return map[string]any{} }},
	{"list_accounts", "GET", "/orgs/acme/members", userEntry, func(int64) any { return map[string]any{} }},
	{"list_resources", "GET", "/orgs/acme/teams", teamEntry, func(int64) any { return map[string]any{} }},
	{"list_entitlements", "GET", "/orgs/acme/repos", repoEntry, func(int64) any { return map[string]any{} }},
	{"find_entitlement_associations", "GET", "/orgs/acme/members", userEntry, func(int64) any { return map[string]any{} }},
	{"get_account", "GET", "/orgs/acme/outside_collaborators", userEntry, func(s int64) any { return map[string]any{"account_id": id(s)} }},
	{"get_account_entitlement_associations", "GET", "/orgs/acme/repos", repoEntry, func(s int64) any { return map[string]any{"account_id": id(s)} }},
	{"assign_entitlement", "PUT", "/orgs/acme/memberships/stranger", nil, func(s int64) any {
		return assignReq(s, EntitlementTypeOrgRole, "", "member")
	}},
}

// leakAttack is one hostile answer to a target's request.
type leakAttack struct {
	name    string
	tls     bool // base_url is the https listener
	size    int  // page.size; 0: 1000
	echo    bool // the answer echoes the credential
	handler func(tg leakTarget) http.Handler
	// code is the error_code of the answer, "" for a success; byCap
	// overrides it per capability.
	code  string
	byCap map[string]string
}

// withEcho is entry 1 of a list (or a membership object) carrying echo.
func withEcho(tg leakTarget, echo string) string {
	if tg.entry == nil {
		return `{"state":"pending","role":"member","echo":` + echo + `}`
	}
	e := tg.entry(1)
	return `[` + e[:len(e)-1] + `,"echo":` + echo + `}]`
}

func leakAttacks() []leakAttack {
	var attacks []leakAttack
	// get_account scans the list for the account, which is not there.
	notListed := map[string]string{"get_account": "not_found"}
	for _, sp := range hostile.Spellings {
		attacks = append(attacks,
			leakAttack{name: "echo in an error, " + string(sp), code: "unauthorized", echo: true,
				handler: func(leakTarget) http.Handler { return hostile.Echo(http.StatusUnauthorized, sp, hostile.ErrorShape) }},
			leakAttack{name: "echo in an answer, " + string(sp), code: "", byCap: notListed, echo: true,
				handler: func(tg leakTarget) http.Handler {
					return hostile.Echo(http.StatusOK, sp, func(echo string) string { return withEcho(tg, echo) })
				}})
	}
	// validate_credentials reads no entry of its list, assign_entitlement
	// no answer of its PUT: an answer that is no use to them does not fail them.
	ignored := map[string]string{"validate_credentials": "", "assign_entitlement": ""}
	return append(attacks,
		leakAttack{name: "https to http, 302", tls: true, code: "unauthorized",
			handler: func(leakTarget) http.Handler { return hostile.Downgrade(http.StatusFound) }},
		leakAttack{name: "https to http, 307", tls: true, code: "unauthorized", byCap: map[string]string{"assign_entitlement": "api_error"}, // the PUT body stays
			handler: func(leakTarget) http.Handler { return hostile.Downgrade(http.StatusTemporaryRedirect) }},
		leakAttack{name: "next links with credentials", size: 2, code: "", byCap: notListed,
			handler: func(tg leakTarget) http.Handler { return hostile.SecretNext(3, orUser(tg.entry)) }},
		leakAttack{name: "log injection in a JSON error", code: "permission_denied",
			handler: func(leakTarget) http.Handler {
				return hostile.LogInjection(http.StatusForbidden, "X-Hostile", "X-GitHub-SSO")
			}},
		leakAttack{name: "log injection in a text error", code: "bad_request",
			handler: func(leakTarget) http.Handler { return hostile.LogInjectionText(http.StatusBadRequest) }},
		leakAttack{name: "a malformed header", code: "api_error",
			handler: func(leakTarget) http.Handler { return hostile.MalformedHeader() }},
		leakAttack{name: "endless fat pages", code: "api_error", byCap: merge(ignored, map[string]string{"list_entitlements": ""}), // 5 entitlements a repository: a full page
			handler: func(tg leakTarget) http.Handler { return hostile.Endless(100, fat(orUser(tg.entry))) }},
		leakAttack{name: "a self link", code: "api_error", byCap: ignored,
			handler: func(tg leakTarget) http.Handler { return hostile.SelfLink("[" + orUser(tg.entry)(1) + "]") }},
		leakAttack{name: "a null entry", code: "invalid_response", byCap: ignored,
			handler: func(tg leakTarget) http.Handler {
				return hostile.Static(http.StatusOK, nil, "["+orUser(tg.entry)(1)+",null]")
			}},
		leakAttack{name: "Retry-After 1e308", code: "rate_limit",
			handler: func(leakTarget) http.Handler {
				return hostile.Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "1e308"}, `{"message":"slow down"}`)
			}},
		leakAttack{name: "X-RateLimit-Reset in year 9999", code: "rate_limit",
			handler: func(leakTarget) http.Handler {
				return hostile.Static(http.StatusForbidden, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "253402300799"},
					`{"message":"API rate limit exceeded"}`)
			}},
	)
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func orUser(entry func(int) string) func(int) string {
	if entry == nil {
		return userEntry
	}
	return entry
}

const (
	leakMaxRequests = 40
	leakMaxBytes    = 4 << 20
	leakMaxTime     = 20 * time.Second
)

// TestHostileUpstreamLeaksNothing runs every capability through the whole
// command line (cli.Run, as the binary runs) against every hostile answer,
// with raw data, a DEBUG log file and --trace: each call ends within its
// budget with the right error (or a success), prints one JSON document,
// and no credential (the PAT, or the GitHub App's JWT and installation
// token, or a credential the upstream put in a next-page link) reaches
// stdout, raw data, stderr or the log file in any spelling, and no log
// record is forged.
func TestHostileUpstreamLeaksNothing(t *testing.T) {
	for _, at := range leakAttacks() {
		for _, tg := range leakTargets {
			t.Run(at.name+"/"+tg.capName, func(t *testing.T) {
				code, ok := at.byCap[tg.capName]
				if !ok {
					code = at.code
				}
				runLeakCase(t, at, tg, code, false)
			})
		}
	}
}

// TestHostileUpstreamLeaksNoAppCredential is the same with the GitHub App
// credential: neither the JWT the connector signs nor the installation
// token GitHub gives it leaks.
func TestHostileUpstreamLeaksNoAppCredential(t *testing.T) {
	want := map[string]string{"echo in an error, mixed": "unauthorized", "echo in an answer, lower-hex": "",
		"https to http, 302": "unauthorized", "log injection in a JSON error": "permission_denied", "next links with credentials": ""}
	for _, at := range leakAttacks() {
		code, ok := want[at.name]
		if !ok {
			continue
		}
		t.Run(at.name, func(t *testing.T) { runLeakCase(t, at, leakTargets[1], code, true) })
	}
}

// leakRun is what one call printed and logged.
type leakRun struct {
	stdout, stderr, log string
}

func runLeakCase(t *testing.T, at leakAttack, tg leakTarget, code string, app bool) {
	is := newIs(t)
	t.Setenv(toolkit.EnvMaxUpstreamRequests, strconv.Itoa(leakMaxRequests))
	t.Setenv(toolkit.EnvMaxUpstreamBytes, strconv.Itoa(leakMaxBytes))
	t.Setenv(toolkit.EnvMaxCallDuration, leakMaxTime.String())
	e := newEnv(t, envOptions{})
	e.f.AddToken(leakyToken, ownerLogin, "admin:org", "repo")
	stranger := e.user("stranger")
	hs := hostile.New(t, e.srv.Config.Handler)
	hs.Mount(tg.method+" "+tg.path, at.handler(tg))
	prev := httpOptions
	httpOptions = func(o *httpclient.Options) {
		prev(o)
		o.Transport = hs.Transport() // trusts the https listener
	}
	t.Cleanup(func() { httpOptions = prev })
	base := hs.URL()
	if at.tls {
		base = hs.TLSURL()
	}
	creds := tokenCreds(leakyToken)
	if app {
		creds = installApp(t, e)
	}
	size := at.size
	if size == 0 {
		size = 1000
	}
	doc, err := json.Marshal(map[string]any{"credentials": creds, "request": tg.request(stranger),
		"settings": map[string]any{"org": org, "base_url": base}, "include_raw_data": true, "page": map[string]any{"size": size}})
	is.NoErr(err)

	run := runCLI(t, tg.capName, doc)
	is.True(hs.Requests() <= leakMaxRequests) // within the request budget
	answer := checkOneDocument(t, run.stdout, code)

	secrets := []string{leakyToken}
	if app {
		secrets = appSecrets(t, hs)
	}
	secrets = append(secrets, hostile.QueryAccessToken, hostile.QuerySignature) // from next links
	for _, r := range hs.Received() {
		if !r.TLS && at.tls {
			is.Equal(r.Header.Get("Authorization"), "") // no credential over plain http
		}
	}
	checkNoSecret(t, run, answer, secrets)
	if at.echo {
		is.True(strings.Contains(run.stdout, "REDACTED")) // the echo was there, masked
	}
	checkLogNotForged(t, run)
}

// runCLI runs the github command in-process with a DEBUG log file and
// --trace, within leakMaxTime.
func runCLI(t *testing.T, capName string, doc []byte) leakRun {
	t.Helper()
	logDir := t.TempDir()
	t.Setenv("LUMOS_LOG_DIRECTORY", logDir)
	t.Setenv("LUMOS_LOG_LEVEL", "DEBUG")
	t.Setenv("LUMOS_LOG_TO_STDOUT", "")
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Run([]string{"lumos", "github", capName, "--trace", "--json", string(doc)}, strings.NewReader(""), &stdout, &stderr)
	}()
	select {
	case exit := <-done:
		if exit != 0 {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", exit, stdout.String(), stderr.String())
		}
	case <-time.After(leakMaxTime + 10*time.Second):
		t.Fatal("the call did not end in time")
	}
	return leakRun{stdout: stdout.String(), stderr: stderr.String(), log: hostile.ReadFiles(t, logDir)}
}

// checkOneDocument checks that stdout is one JSON document and a newline,
// a success or an error envelope of code, and returns its strings.
func checkOneDocument(t *testing.T, stdout, code string) []string {
	t.Helper()
	is := newIs(t)
	is.True(strings.HasSuffix(stdout, "\n"))
	dec := json.NewDecoder(strings.NewReader(stdout))
	var doc any
	is.NoErr(dec.Decode(&doc))
	is.True(!dec.More()) // one document
	var env envelope
	is.NoErr(json.Unmarshal([]byte(stdout), &env))
	if env.IsError != (code != "") || string(env.Error.ErrorCode) != code {
		t.Fatalf("got error %v %q (%s), want %q", env.IsError, env.Error.ErrorCode, env.Error.Message, code)
	}
	strs := hostile.StringsOf(doc)
	if env.Page != nil && env.Page.Token != "" { // the page token's own content
		raw, err := base64.RawURLEncoding.DecodeString(env.Page.Token)
		is.NoErr(err)
		strs = append(strs, string(raw))
	}
	return strs
}

// checkNoSecret checks that no secret appears in the answer's strings
// (decoded: any spelling) nor, in any JSON spelling, in stdout, stderr or
// the log.
func checkNoSecret(t *testing.T, run leakRun, answer []string, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		for _, s := range answer {
			if strings.Contains(s, secret) {
				t.Fatalf("the answer holds a secret: %q", s)
			}
		}
		forms := []string{secret}
		for _, sp := range hostile.Spellings {
			forms = append(forms, hostile.Spell(secret, sp), quoted(hostile.Spell(secret, sp)))
		}
		for _, form := range forms {
			for where, text := range map[string]string{"stdout": run.stdout, "stderr": run.stderr, "log": run.log} {
				if strings.Contains(text, form) {
					t.Fatalf("%s holds the secret as %q:\n%s", where, form, text)
				}
			}
		}
	}
}

func quoted(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

var (
	logRecord = regexp.MustCompile(`^\d\d:\d\d:\d\d,\d{3} lumos\.github (DEBUG|INFO|WARNING|ERROR|CRITICAL) `)
	// control characters and line breaks no record may hold raw
	rawBreak = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0085\u2028\u2029]")
)

// checkLogNotForged checks that every line of the log file is one record
// of the connector, that no line of stderr starts with a forged record,
// and that neither holds a raw control character or line break.
func checkLogNotForged(t *testing.T, run leakRun) {
	t.Helper()
	if run.log == "" {
		t.Fatal("no log file was written")
	}
	for _, line := range strings.Split(strings.TrimSuffix(run.log, "\n"), "\n") {
		if !logRecord.MatchString(line) || strings.Contains(line, "lumos.forged") && strings.HasPrefix(line, hostile.ForgedRecord) {
			t.Fatalf("a log line that is not a record: %q", line)
		}
		if rawBreak.MatchString(line) {
			t.Fatalf("a log record with a raw control character: %q", line)
		}
	}
	for _, line := range strings.Split(run.stderr, "\n") {
		if strings.HasPrefix(line, hostile.ForgedRecord) || rawBreak.MatchString(line) {
			t.Fatalf("a forged or raw stderr line: %q", line)
		}
	}
}

// installApp installs a GitHub App on the fake's org and returns the app
// credential.
func installApp(t *testing.T, e *env) any {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	e.f.AddApp(githubfake.App{ID: 4242, PublicKey: &key.PublicKey})
	e.f.AddInstallation(4242, org, map[string]string{"members": "read", "metadata": "read"})
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	return []any{map[string]any{"id": CredentialApp, "key_pair": map[string]any{"key_identifier": "4242", "private_key": pemKey}}}
}

// appSecrets are the JWTs and installation tokens the upstream received;
// the test fails if it received neither.
func appSecrets(t *testing.T, hs *hostile.Server) []string {
	t.Helper()
	var out []string
	var jwts, tokens int
	for _, r := range hs.Received() {
		_, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(cred, "ghs_"):
			tokens++
		case strings.Count(cred, ".") == 2:
			jwts++
		default:
			t.Fatalf("unexpected credential %q", cred)
		}
		out = append(out, cred)
	}
	if jwts == 0 || tokens == 0 {
		t.Fatalf("the upstream received %d JWTs and %d installation tokens", jwts, tokens)
	}
	return out
}
