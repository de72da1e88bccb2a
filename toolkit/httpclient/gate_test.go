package httpclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// TestRetriesAfterARateLimitGoOneAtATime: requests of one client refused
// together for rate (pages fetched concurrently) retry one at a time when
// the wait ends, instead of coming back as a burst that the upstream
// refuses again.
func TestRetriesAfterARateLimitGoOneAtATime(t *testing.T) {
	is := is.New(t)
	const callers = 4
	var seen, inFlight, maxRetriesInFlight atomic.Int32
	first := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := seen.Add(1); n <= callers {
			if n == callers {
				close(first)
			}
			<-first // the first attempts arrive together and are all refused
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := maxRetriesInFlight.Load(); n > m && !maxRetriesInFlight.CompareAndSwap(m, n); m = maxRetriesInFlight.Load() {
		}
		time.Sleep(20 * time.Millisecond) // long enough for a burst to overlap
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	c := httpclient.New(context.Background(), httpclient.Options{BaseURL: srv.URL,
		Sleep: func(context.Context, time.Duration) error { return nil }}) // the waits end at once, together
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetJSON(context.Background(), "/page/"+string(rune('a'+i)), nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		is.NoErr(err)
	}
	is.Equal(seen.Load(), int32(2*callers))       // each retried once
	is.Equal(maxRetriesInFlight.Load(), int32(1)) // never two retries at once
}
