package oauth_test

import (
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
)

// An OAuth capability's success shows the tokens it exists to return (in
// response and in the token answer of raw_data) and masks, outside
// response, whatever equals a secret of the request: an echoed
// client_secret, a refresh token sent back unrotated.
func TestOAuthAnswerMasking(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		capability toolkit.CapabilityName
		payload    any
		answer     string
		response   string
		raw        string
	}{
		{
			name:       "callback echoing the client secret",
			capability: toolkit.CapHandleAuthorizationCallback.Name(),
			payload:    toolkit.HandleAuthorizationCallback{ClientID: "c", ClientSecret: "client-s3cret", RedirectURIWithCode: redirectURI + "?code=abc"},
			answer:     `{"access_token":"new-access-1","refresh_token":"new-refresh-1","token_type":"bearer","note":"client_secret=\u0063lient-s3cret"}`,
			response:   `{"access_token":"new-access-1","refresh_token":"new-refresh-1","token_type":"bearer","state":null}`,
			raw:        `{"access_token":"new-access-1","note":"client_secret=REDACTED","refresh_token":"new-refresh-1","token_type":"bearer"}`,
		},
		{
			name:       "refresh without rotation",
			capability: toolkit.CapRefreshAccessToken.Name(),
			payload:    toolkit.RefreshAccessToken{ClientID: "c", ClientSecret: "client-s3cret", RefreshToken: "old-refresh-1"},
			answer:     `{"access_token":"new-access-2","refresh_token":"old-refresh-1","token_type":"bearer","client_secret":"client-s3cret"}`,
			response:   `{"access_token":"new-access-2","refresh_token":"old-refresh-1","token_type":"bearer","state":null}`,
			raw:        `{"access_token":"new-access-2","client_secret":"REDACTED","refresh_token":"REDACTED","token_type":"bearer"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			rec := newRecorder(t, 200, "application/json", tt.answer)
			in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{})
			r := call(t, in, tt.capability, tt.payload, map[string]any{"base_url": rec.URL}, true)
			is.True(!r.IsError)
			is.Equal(string(r.Response), tt.response)
			is.Equal(string(r.RawData), tt.raw)
		})
	}
}
