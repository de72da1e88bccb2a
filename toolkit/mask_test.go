package toolkit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

const (
	echoToken  = "tok/3n+abc_XYZ-987"  // the request's token
	echoMinted = "mint/ed.JWT-456_qrs" // what the handler mints mid-call
)

// echoingUpstream answers every request with a body that repeats the
// request's bearer token and X-Minted header, spelt as the path says
// (/<status>/<spelling>), in a plain value, inside text and inside a JSON
// document quoted in a string.
func echoingUpstream(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var status int
		var how hostile.Spelling
		fmt.Sscanf(r.URL.Path, "/%d/", &status)
		how = hostile.Spelling(strings.SplitN(r.URL.Path, "/", 3)[2])
		tok := hostile.Spell(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), how)
		minted := hostile.Spell(r.Header.Get("X-Minted"), how)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"token":"%s","message":"Bearer %s is not welcome; nor is %s","nested":"%s","minted":"%s"}`,
			tok, tok, minted, literal(`{"authorization":"Bearer `+tok+`"}`), minted)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// echoConnector's get_account calls the upstream path named by the
// account id with the request's token and a secret it mints, and logs
// what came back.
func echoConnector(upstream string) *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "echo", Version: "1", Auth: toolkit.AuthToken,
		ErrorHandlers: []errs.Rule{{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HTTPHandler}}})
	toolkit.Handle(in, toolkit.CapGetAccount, func(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
		toolkit.AddSecret(ctx, echoMinted)
		c := httpclient.New(ctx, httpclient.Options{AppID: "echo", BaseURL: upstream, Auth: httpclient.Bearer(req.Auth.Token.Token),
			Header: http.Header{"X-Minted": {echoMinted}}})
		r, err := c.NewRequest(ctx, http.MethodGet, "/"+req.Request.AccountID, nil)
		if err != nil {
			return toolkit.GetAccountResponse{}, err
		}
		resp, err := c.Do(r)
		if err != nil {
			toolkit.Logger(ctx).Error("upstream failed: "+err.Error(), "error", err)
			return toolkit.GetAccountResponse{}, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		toolkit.Logger(ctx).Info("upstream said "+string(body), "body", string(body))
		return toolkit.GetAccountResponse{Response: toolkit.FoundAccountData{IntegrationSpecificID: "a",
			ExtraData: map[string]any{"echo": string(body)}}}, nil
	})
	return in
}

// Whatever JSON spelling an upstream echoes a secret in, the request's
// token and a secret minted mid-call stay out of raw_data, error messages,
// extra data, the log and the trace.
func TestEchoedSecretsInAnySpellingAreMasked(t *testing.T) {
	in := echoConnector(echoingUpstream(t).URL)
	for _, status := range []int{200, 401} {
		for _, how := range hostile.Spellings {
			t.Run(fmt.Sprintf("%d %s", status, how), func(t *testing.T) {
				is := is.New(t)
				var logs, trace bytes.Buffer
				ctx := toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
				ctx = toolkit.WithTrace(ctx, &trace)
				body := fmt.Sprintf(`{"auth":{"token":{"token":%q}},"request":{"account_id":"%d/%s"},"include_raw_data":true}`, echoToken, status, how)
				out := in.Dispatch(ctx, "get_account", []byte(body))
				is.True(json.Valid(out))
				is.Equal(strings.Contains(string(out), `"is_error":true`), status != 200)
				is.True(strings.Contains(string(out), `"raw_data":[{"token":"REDACTED"`)) // the upstream's body, masked
				for _, secret := range []string{echoToken, echoMinted} {
					for _, form := range []string{secret, hostile.Spell(secret, how), literal(hostile.Spell(secret, how)), literal(literal(hostile.Spell(secret, how)))} {
						is.True(!strings.Contains(string(out), form))   // not in the document
						is.True(!strings.Contains(logs.String(), form)) // not in the log
						is.True(!strings.Contains(trace.String(), form))
					}
				}
				is.True(strings.Contains(logs.String(), "REDACTED"))
			})
		}
	}
}

// oauthEcho is a connector whose refresh_access_token mints new tokens and
// whose upstream echoes the client secret in its answer.
func oauthEcho() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "oauth-echo", Version: "1", Auth: toolkit.AuthOAuth})
	toolkit.Handle(in, toolkit.CapRefreshAccessToken, func(ctx context.Context, req toolkit.RefreshAccessTokenRequest) (toolkit.RefreshAccessTokenResponse, error) {
		const access = "new-access-token-42"
		toolkit.AddSecret(ctx, access)
		toolkit.Logger(ctx).Error("got " + access + " for " + req.Request.ClientSecret)
		raw := map[string]any{"access_token": access, "refresh_token": req.Request.RefreshToken, "echo": `client_secret=` + hostile.Spell(req.Request.ClientSecret, hostile.LowerHex)}
		return toolkit.RefreshAccessTokenResponse{Response: toolkit.OAuthCredentials{AccessToken: access, RefreshToken: &req.Request.RefreshToken,
			TokenType: toolkit.TokenTypeBearer}, RawData: raw}, nil
	})
	return in
}

// An OAuth capability's success shows what it exists to return (its
// response, and the new tokens in raw_data), and masks what else equals a
// secret of the request; its log masks the new tokens too.
func TestOAuthAnswersShowTheirTokensOnly(t *testing.T) {
	is := is.New(t)
	var logs bytes.Buffer
	ctx := toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)))
	out := oauthEcho().Dispatch(ctx, "refresh_access_token",
		[]byte(`{"request":{"client_id":"c","client_secret":"client-s3cret","refresh_token":"refresh-tok-1"},"include_raw_data":true}`))
	is.Equal(string(out), `{"response":{"access_token":"new-access-token-42","refresh_token":"refresh-tok-1","token_type":"bearer","state":null},`+
		`"raw_data":{"access_token":"new-access-token-42","echo":"client_secret=REDACTED","refresh_token":"REDACTED"},"page":null,"execution_summary":null}`)
	is.True(strings.Contains(logs.String(), "got REDACTED for REDACTED"))
	is.True(!strings.Contains(logs.String(), "new-access-token-42"))
}

// AddSecret outside a call does nothing (and does not fail).
func TestAddSecretOutsideACall(t *testing.T) {
	toolkit.AddSecret(context.Background(), "whatever-secret")
}

// A page token is the connector's cursor, not a credential: an answer may
// repeat the request's token (short or long) and it comes back intact.
func TestPageTokensAreNotSecrets(t *testing.T) {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "pager", Version: "1", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapListAccounts, func(_ context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		return toolkit.ListAccountsResponse{Response: []toolkit.FoundAccountData{}, Page: &toolkit.Page{Token: req.Page.Token, Size: 2}}, nil
	})
	for _, token := range []string{"again", "cursor-0123456789"} {
		t.Run(token, func(t *testing.T) {
			is := is.New(t)
			out := in.Dispatch(context.Background(), "list_accounts",
				[]byte(`{"auth":{"token":{"token":"tok-0123456789"}},"request":{},"page":{"token":"`+token+`","size":2}}`))
			is.Equal(string(out), `{"response":[],"raw_data":null,"page":{"token":"`+token+`","size":2},"execution_summary":null}`)
		})
	}
}

// literal is text as the contents of a JSON string.
func literal(text string) string { return hostile.Spell(text, hostile.Literal) }
