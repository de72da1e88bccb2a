package githubfake

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// GitHub's messages for rejected App JWTs (401).
const (
	jwtUndecodable = "A JSON web token could not be decoded"
	jwtIssuer      = "'Issuer' claim ('iss') must be an Integer"
	jwtIssuedAt    = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued."
	jwtExpired     = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires."
	jwtTooFar      = "'Expiration time' claim ('exp') is too far in the future."
	jwtNoApp       = "Integration not found"
)

// AppJWT signs a GitHub App JWT (RS256) with the given issuer (app id or
// client id) and times; a test helper mirroring what clients such as
// ghinstallation send.
func AppJWT(key *rsa.PrivateKey, iss string, iat, exp time.Time) (string, error) {
	var issVal any = iss
	if n, err := strconv.ParseInt(iss, 10, 64); err == nil {
		issVal = n
	}
	return signJWT(key, map[string]any{"alg": "RS256", "typ": "JWT"}, map[string]any{"iss": issVal, "iat": iat.Unix(), "exp": exp.Unix()})
}

func signJWT(key *rsa.PrivateKey, header, claims map[string]any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// verifyJWT checks an App JWT: RS256 signature by a registered app's key,
// iss (app id or client id), iat not in the future, exp in the future and at
// most 10 minutes ahead. A non-empty string is the 401 message.
func (f *Fake) verifyJWT(tok string) (*app, string) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, jwtUndecodable
	}
	var header struct {
		Alg string `json:"alg"`
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &header) != nil || header.Alg != "RS256" {
		return nil, jwtUndecodable
	}
	var claims map[string]any
	dec := json.NewDecoder(bytes.NewReader(cb))
	dec.UseNumber()
	if dec.Decode(&claims) != nil {
		return nil, jwtUndecodable
	}
	var a *app
	switch iss := claims["iss"].(type) {
	case json.Number:
		id, err := iss.Int64()
		if err != nil {
			return nil, jwtIssuer
		}
		a = f.apps[id]
	case string:
		if id, err := strconv.ParseInt(iss, 10, 64); err == nil {
			a = f.apps[id]
		} else {
			for _, x := range f.apps {
				if x.clientID != "" && x.clientID == iss {
					a = x
				}
			}
		}
	default:
		return nil, jwtIssuer
	}
	if a == nil {
		return nil, jwtNoApp
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(a.key, crypto.SHA256, sum[:], sig) != nil {
		return nil, jwtUndecodable
	}
	now := f.now().Unix()
	iat, ok := intClaim(claims["iat"])
	if !ok || iat > now {
		return nil, jwtIssuedAt
	}
	exp, ok := intClaim(claims["exp"])
	if !ok || exp <= now {
		return nil, jwtExpired
	}
	if exp > now+600 {
		return nil, jwtTooFar
	}
	return a, ""
}

func intClaim(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	fl, err := n.Float64()
	return int64(fl), err == nil
}

func (c *reqCtx) getOrgInstallation() {
	o := c.lookupOrg("org")
	if o == nil {
		return
	}
	for _, id := range sortedKeys(c.f.installs) {
		if in := c.f.installs[id]; in.app == c.who.app.id && in.org == o.id {
			c.writeJSON(http.StatusOK, c.installation(in))
			return
		}
	}
	c.notFound()
}

var permRank = map[string]int{"read": 1, "write": 2, "admin": 3}

func (c *reqCtx) createInstallationToken() {
	id, err := strconv.ParseInt(c.params["installation_id"], 10, 64)
	in := c.f.installs[id]
	if err != nil || in == nil || in.app != c.who.app.id {
		c.notFound()
		return
	}
	if !in.suspended.IsZero() {
		c.forbidden("This installation has been suspended")
		return
	}
	body, ok := c.decodeBody(map[string]string{"repositories": "strings", "repository_ids": "ints", "permissions": "object"})
	if !ok {
		return
	}
	o := c.f.orgs[in.org]
	var repos []int64
	const inaccessible = "There is at least one repository that does not exist or is not accessible to the parent installation."
	if names, ok := body["repositories"].([]any); ok {
		for _, n := range names {
			r := c.f.repoByName(o, n.(string))
			if r == nil {
				c.unprocessable(inaccessible)
				return
			}
			repos = append(repos, r.id)
		}
	}
	if ids, ok := body["repository_ids"].([]any); ok {
		for _, x := range ids {
			n, _ := x.(json.Number).Int64()
			if o.repos[n] == nil {
				c.unprocessable(inaccessible)
				return
			}
			repos = append(repos, n)
		}
	}
	perms := in.perms
	if req, ok := body["permissions"].(map[string]any); ok {
		perms = map[string]string{}
		for k, v := range req {
			s, _ := v.(string)
			if permRank[s] == 0 || permRank[s] > permRank[in.perms[k]] {
				c.unprocessable("The permissions requested are not granted to this installation.")
				return
			}
			perms[k] = s
		}
	}
	tok := &token{value: "ghs_" + c.f.secret("ghs", 36), kind: installationToken, inst: in.id, repos: repos, perms: perms, expires: c.f.now().Add(time.Hour)}
	c.f.tokens[tok.value] = tok
	resp := obj{"token": tok.value, "expires_at": ts(tok.expires), "permissions": perms, "repository_selection": "all"}
	if repos != nil {
		resp["repository_selection"] = "selected"
		list := []obj{}
		for _, rid := range repos {
			list = append(list, c.teamRepository(o, o.repos[rid], 0, ""))
		}
		resp["repositories"] = list
	}
	c.writeJSON(http.StatusCreated, resp)
}
