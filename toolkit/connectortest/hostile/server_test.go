package hostile_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

func TestServer(t *testing.T) {
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "fallback") })
	srv := hostile.New(t, fallback)
	srv.Mount("GET /api/users", hostile.SelfLink(`[]`))
	tests := []struct {
		path, body, link string
	}{
		{"/self-link/x?a=1", `[]`, "<" + srv.URL() + `/self-link/x?a=1>; rel="next"`},
		{"/cycle/x", `[]`, "<" + srv.URL() + `/cycle/x?hostile_page=1>; rel="next"`},
		{"/cycle/x?hostile_page=1", `[]`, "<" + srv.URL() + `/cycle/x>; rel="next"`},
		{"/api/users", `[]`, "<" + srv.URL() + `/api/users>; rel="next"`},
		{"/anything/else", "fallback", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			is := is.New(t)
			resp, err := http.Get(srv.URL() + tt.path)
			is.NoErr(err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			is.NoErr(err)
			is.Equal(string(b), tt.body)
			is.Equal(resp.Header.Get("Link"), tt.link)
		})
	}
	is := is.New(t)
	is.Equal(srv.Requests(), len(tests))
	is.Equal(srv.Hits("/cycle/x"), 2)
	is.True(len(hostile.Routes()) > 10)
	defer func() { is.True(recover() != nil) }() // a name registered twice
	hostile.Register(hostile.Route{Name: "self-link", Handler: hostile.SelfLink(`[]`)})
}
