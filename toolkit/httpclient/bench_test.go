package httpclient_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// BenchmarkClientOverhead compares one GET of a small JSON body through the
// client with the same GET (same headers) through a plain net/http.Client
// sharing the transport and timeout. "plain" and "client" report ns/op and
// allocs/op; "interleaved" alternates the two in one loop, so machine noise
// hits both alike, and reports their ratio.
func BenchmarkClientOverhead(b *testing.B) {
	body := []byte(`{"login":"octocat","id":1,"node_id":"MDQ6VXNlcjE=","type":"User","site_admin":false}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 16
	defer transport.CloseIdleConnections()
	type user struct {
		Login string `json:"login"`
		ID    int64  `json:"id"`
	}
	// One long "call": a budget that never runs out, the same URL asked for again and again.
	ctx, cancel := toolkit.WithBudget(context.Background(), toolkit.Budget{MaxRequests: 1 << 40, MaxBytes: 1 << 60, MaxDuration: 24 * time.Hour})
	defer cancel()
	ctx = httpclient.WithPolling(ctx)

	hc := &http.Client{Transport: transport, Timeout: httpclient.DefaultTimeout}
	plain := func(b *testing.B) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/users/octocat", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("User-Agent", "lumos/dev (bench)")
		req.Header.Set("Authorization", "Bearer token")
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(resp.StatusCode, err)
		}
		var u user
		if err := json.Unmarshal(data, &u); err != nil || u.ID != 1 {
			b.Fatal(err)
		}
	}
	c := httpclient.New(ctx, httpclient.Options{AppID: "bench", BaseURL: srv.URL, Auth: httpclient.Bearer("token"),
		Transport: transport, Timeout: httpclient.DefaultTimeout})
	client := func(b *testing.B) {
		var u user
		if _, err := c.GetJSON(ctx, "/users/octocat", &u); err != nil || u.ID != 1 {
			b.Fatal(err)
		}
	}

	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plain(b)
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			client(b)
		}
	})
	b.Run("interleaved", func(b *testing.B) {
		var tp, tc time.Duration
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 { // alternate which goes first
				s := time.Now()
				plain(b)
				tp += time.Since(s)
				s = time.Now()
				client(b)
				tc += time.Since(s)
			} else {
				s := time.Now()
				client(b)
				tc += time.Since(s)
				s = time.Now()
				plain(b)
				tp += time.Since(s)
			}
		}
		b.ReportMetric(float64(tp.Nanoseconds())/float64(b.N), "plain-ns/op")
		b.ReportMetric(float64(tc.Nanoseconds())/float64(b.N), "client-ns/op")
		b.ReportMetric(float64(tc)/float64(tp), "client/plain")
	})
}
