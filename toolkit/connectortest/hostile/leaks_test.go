package hostile_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

func TestSpell(t *testing.T) {
	const s = `ghp_a/b+"c\` + "\n\U0001F600é"
	tests := []struct {
		sp       hostile.Spelling
		contains []string // signs of the spelling
	}{
		{hostile.Literal, []string{`ghp_a/b+\"c\\\n`}},
		{hostile.Solidus, []string{`ghp_a\/b`}},
		{hostile.LowerHex, []string{`\u0067\u0068\u0070\u005f\u0061\u002f`, `\ud83d\ude00`}},
		{hostile.UpperHex, []string{`\u0067\u0068\u0070\u005F\u0061\u002F`, `\uD83D\uDE00`}},
		{hostile.Mixed, []string{`\u0067hp\u005fa\/`}},
	}
	for _, tt := range tests {
		t.Run(string(tt.sp), func(t *testing.T) {
			is := is.New(t)
			spelled := hostile.Spell(s, tt.sp)
			for _, c := range tt.contains {
				is.True(strings.Contains(spelled, c))
			}
			var back string
			is.NoErr(json.Unmarshal([]byte(`"`+spelled+`"`), &back))
			is.Equal(back, s) // every spelling is valid JSON for the same string
		})
	}
	is.New(t).Equal(len(hostile.Spellings), len(tests))
}

func get(t *testing.T, c *http.Client, method, u, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestEcho(t *testing.T) {
	srv := hostile.New(t, nil)
	const secret = "tok/en+s3cret"
	for _, sp := range hostile.Spellings {
		t.Run(string(sp), func(t *testing.T) {
			is := is.New(t)
			resp, body := get(t, http.DefaultClient, "POST", srv.URL()+"/echo-error-"+string(sp)+"/token?k=v",
				"client_secret="+url.QueryEscape(secret), map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "application/x-www-form-urlencoded"})
			is.Equal(resp.StatusCode, http.StatusUnauthorized)
			is.True(strings.Contains(body, hostile.Spell("Bearer "+secret, sp))) // the header, spelled
			is.True(strings.Contains(body, `[`+`"`+hostile.Spell("client_secret", sp)+`","`+hostile.Spell(secret, sp)+`"]`))
			var echo struct {
				Echo struct {
					Method  string      `json:"method"`
					Query   [][2]string `json:"query"`
					Headers [][2]string `json:"headers"`
					Form    [][2]string `json:"form"`
				} `json:"echo"`
			}
			is.NoErr(json.Unmarshal([]byte(body), &echo))
			is.Equal(echo.Echo.Method, "POST")
			is.Equal(echo.Echo.Query, [][2]string{{"k", "v"}})
			is.Equal(echo.Echo.Form, [][2]string{{"client_secret", secret}})
			is.True(strings.Contains(string(mustJSON(echo.Echo.Headers)), `["Authorization","Bearer `+secret+`"]`))

			_, list := get(t, http.DefaultClient, "GET", srv.URL()+"/echo-list-"+string(sp), "", map[string]string{"Authorization": "Bearer " + secret})
			var entries []map[string]any
			is.NoErr(json.Unmarshal([]byte(list), &entries))
			is.Equal(len(entries), 1)
			is.True(strings.Contains(list, hostile.Spell("Bearer "+secret, sp)))
		})
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestDowngrade(t *testing.T) {
	srv := hostile.New(t, nil)
	c := &http.Client{Transport: srv.Transport()}
	tests := []struct {
		route  string
		method string
		status int // the final status
	}{
		{"https-to-http", "GET", http.StatusUnauthorized},
		{"https-to-http", "POST", http.StatusUnauthorized}, // a 302 turns the POST into a GET
		{"https-to-http-307", "POST", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.route+" "+tt.method, func(t *testing.T) {
			is := is.New(t)
			before := len(srv.Received())
			resp, body := get(t, c, tt.method, srv.TLSURL()+"/"+tt.route+"/login/token?x=1", "a=b", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			is.Equal(resp.StatusCode, tt.status)
			got := srv.Received()[before:]
			is.Equal(len(got), 2)
			is.True(got[0].TLS)                                                       // first over https
			is.True(!got[1].TLS)                                                      // then over plain http
			is.Equal(got[1].URL, "/"+hostile.Landing+"/"+tt.route+"/login/token?x=1") // the same path and query
			is.True(strings.HasPrefix(resp.Request.URL.String(), srv.URL()+"/"))      // on the same host
			is.True(strings.Contains(body, `"Bad credentials"`))                      // the landing's echo
		})
	}
}

func TestSecretNext(t *testing.T) {
	is := is.New(t)
	srv := hostile.New(t, nil)
	u := srv.URL() + "/secret-next/users"
	var bodies []string
	for u != "" {
		resp, body := get(t, http.DefaultClient, "GET", u, "", nil)
		bodies = append(bodies, body)
		u = ""
		if link := resp.Header.Get("Link"); link != "" {
			u = strings.TrimPrefix(strings.Split(link, ">")[0], "<")
			q, err := url.Parse(u)
			is.NoErr(err)
			n := len(bodies)
			is.Equal(q.Query().Get("access_token"), hostile.QueryAccessToken+string(rune('0'+n)))
			is.Equal(q.Query().Get("sig"), hostile.QuerySignature+string(rune('0'+n)))
		}
		is.True(len(bodies) <= 3)
	}
	is.Equal(bodies, []string{`[{"id":1,"login":"user-1","type":"User"}]`, `[{"id":2,"login":"user-2","type":"User"}]`, `[{"id":3,"login":"user-3","type":"User"}]`})
}

func TestLogInjection(t *testing.T) {
	srv := hostile.New(t, nil)
	t.Run("JSON body, reason and header", func(t *testing.T) {
		is := is.New(t)
		resp, body := get(t, http.DefaultClient, "GET", srv.URL()+"/log-injection/x", "", nil)
		is.Equal(resp.StatusCode, http.StatusForbidden)
		is.True(strings.Contains(resp.Status, "\x1b[2J"))
		is.True(strings.Contains(resp.Header.Get("X-Hostile"), "\u2028"+hostile.ForgedRecord))
		var msg struct{ Message string }
		is.NoErr(json.Unmarshal([]byte(body), &msg))
		for _, brk := range []string{"\n", "\r", "\x1b[2K\x1b[1G", "\u2028", "\u0085", "\x07\x1b[31m"} {
			is.True(strings.Contains(msg.Message, brk+hostile.ForgedRecord))
		}
	})
	t.Run("text body", func(t *testing.T) {
		is := is.New(t)
		resp, body := get(t, http.DefaultClient, "GET", srv.URL()+"/log-injection-text/x", "", nil)
		is.Equal(resp.StatusCode, http.StatusBadRequest)
		is.True(strings.Contains(body, "\n"+hostile.ForgedRecord))
		is.True(strings.Contains(body, "\r"+hostile.ForgedRecord))
	})
	t.Run("malformed header", func(t *testing.T) {
		is := is.New(t)
		_, err := http.Get(srv.URL() + "/malformed-header/x")
		is.True(err != nil) // the client refuses the answer
		is.True(strings.Contains(err.Error(), "malformed MIME header"))
	})
}
