package toolkit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

type leakySettings struct {
	Org    string `json:"org" required:"true"`
	Signer string `json:"signer" secret:"true" description:"A signing key."`
}

// leaky is a connector whose handlers try hard to leak the request's secrets.
func leaky() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "leaky", Version: "1", Auth: toolkit.AuthToken, Settings: leakySettings{}})
	toolkit.Handle(in, toolkit.CapGetAccount, func(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
		s, _ := toolkit.DecodeSettings[leakySettings](req.Settings)
		tok := req.Auth.Token.Token
		toolkit.Logger(ctx).Error("calling upstream with "+tok, "signer", s.Signer)
		switch req.Request.AccountID {
		case "http":
			return toolkit.GetAccountResponse{}, &errs.HTTPStatusError{StatusCode: 401, URL: "https://api.example.com/u?access_token=" + tok,
				Body: []byte(`{"error":"bad token ` + tok + `"}`)}
		case "plain":
			return toolkit.GetAccountResponse{}, errors.New("signer " + s.Signer + " rejected")
		case "panic":
			panic("token was " + tok)
		}
		resp := toolkit.GetAccountResponse{Response: toolkit.FoundAccountData{IntegrationSpecificID: "a",
			ExtraData: map[string]any{"echo": "Bearer " + tok}}}
		resp.RawData = map[string]any{"headers": map[string]string{"Authorization": "Bearer " + tok}, "signer": s.Signer}
		return resp, nil
	})
	return in
}

func TestSecretsNeverLeave(t *testing.T) {
	const token, signer = "tok-0123456789abcdef", "sig-fedcba9876543210"
	body := func(id string) []byte {
		return []byte(`{"auth":{"token":{"token":"` + token + `"}},"settings":{"org":"acme","signer":"` + signer + `"},"request":{"account_id":"` + id + `"}}`)
	}
	for _, id := range []string{"ok", "http", "plain", "panic"} {
		t.Run(id, func(t *testing.T) {
			is := is.New(t)
			var logs bytes.Buffer
			ctx := toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			out := string(leaky().Dispatch(ctx, "get_account", body(id)))
			for _, secret := range []string{token, signer} {
				is.True(!strings.Contains(out, secret))           // not in the document
				is.True(!strings.Contains(logs.String(), secret)) // not in the logs
			}
			is.True(strings.Contains(out, "REDACTED"))
			is.True(strings.Contains(logs.String(), "REDACTED"))
			is.True(strings.Contains(logs.String(), "invoking capability")) // the request is logged, redacted
		})
	}
	is := is.New(t)
	e := errorOf(t, leaky().Dispatch(context.Background(), "get_account", body("http")))
	is.Equal(e.Message, `[401][https://api.example.com/u] {"error":"bad token REDACTED"}`)
	is.Equal(*e.StatusCode, 401)
}
