package hostile

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// hopParam is the query parameter the attacks use to make new URLs.
const hopParam = "hostile_page"

// nextURL is the absolute URL of r with hopParam set to n (removed for 0),
// over the listener r came to.
func nextURL(r *http.Request, n int) string {
	q := r.URL.Query()
	if n == 0 {
		q.Del(hopParam)
	} else {
		q.Set(hopParam, strconv.Itoa(n))
	}
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	u := scheme + r.Host + r.URL.Path
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// hop is the page number hopParam carries, 0 without it.
func hop(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get(hopParam))
	return n
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// SelfLink answers body with a rel="next" Link to the very URL asked for.
func SelfLink(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "<http://"+r.Host+r.URL.RequestURI()+`>; rel="next"`)
		writeJSON(w, http.StatusOK, body)
	})
}

// Cycle answers body with a rel="next" Link that alternates between two
// URLs: the URL asked for without hostile_page and with hostile_page=1.
func Cycle(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "<"+nextURL(r, 1-min(hop(r), 1))+`>; rel="next"`)
		writeJSON(w, http.StatusOK, body)
	})
}

// Repeated answers the same body at ever new URLs (hostile_page=1, 2, …),
// each linking to the next.
func Repeated(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "<"+nextURL(r, hop(r)+1)+`>; rel="next"`)
		writeJSON(w, http.StatusOK, body)
	})
}

// Endless answers pages of perPage new entries (entry(id), ids counting
// up from 1 and never repeated) at ever new URLs, each linking to the next:
// a listing that never ends.
func Endless(perPage int, entry func(id int) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := hop(r)
		var b strings.Builder
		b.WriteByte('[')
		for i := range perPage {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(entry(page*perPage + i + 1))
		}
		b.WriteByte(']')
		w.Header().Set("Link", "<"+nextURL(r, page+1)+`>; rel="next"`)
		writeJSON(w, http.StatusOK, b.String())
	})
}

// User is a user-like entry ({"id", "login", "type"}, and "pad" with pad
// bytes of padding when pad > 0), for Endless.
func User(pad int) func(id int) string {
	padding := ""
	if pad > 0 {
		padding = fmt.Sprintf(`,"pad":%q`, strings.Repeat("x", pad))
	}
	return func(id int) string {
		return fmt.Sprintf(`{"id":%d,"login":"user-%d","type":"User"%s}`, id, id, padding)
	}
}

// Static answers status and body, with the given headers.
func Static(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		writeJSON(w, status, body)
	})
}

// BreakMidBody sends the headers and the start of body, announcing all of
// it, then closes the connection: with reset, abruptly (a TCP reset),
// otherwise cleanly (the client sees an unexpected EOF).
func BreakMidBody(body string, reset bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		half := body[:len(body)/2]
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), half)
		buf.Flush()
		if reset {
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			time.Sleep(10 * time.Millisecond) // let the half body leave first
		}
	})
}

func init() {
	user := `{"id":1,"login":"user-1","type":"User"}`
	tooMuch := map[string]string{"X-RateLimit-Remaining": "0"}
	for _, r := range []Route{
		{"self-link", "an empty list linking to itself as the next page", SelfLink(`[]`)},
		{"self-link-full", "a one-entry list linking to itself as the next page", SelfLink("[" + user + "]")},
		{"cycle", "an empty list whose next link alternates between two URLs", Cycle(`[]`)},
		{"repeated", "the same one-entry list at ever new URLs", Repeated("[" + user + "]")},
		{"empty-pages", "empty lists at ever new URLs", Repeated(`[]`)},
		{"endless", "pages of 100 new users at ever new URLs", Endless(100, User(0))},
		{"endless-fat", "pages of 100 new users with 10 KiB of padding each, at ever new URLs", Endless(100, User(10<<10))},
		{"nulls", "a list holding a null entry", Static(http.StatusOK, nil, "["+user+",null]")},
		{"bad-ids", "a list whose entry has an id that is not a number", Static(http.StatusOK, nil, `[{"id":"abc","login":"x"}]`)},
		{"zero-ids", "a list whose entry has no id", Static(http.StatusOK, nil, `[{"login":"x"}]`)},
		{"eof-mid-body", "half a body, then the connection closes", BreakMidBody("["+user+","+user+"]", false)},
		{"reset-mid-body", "half a body, then the connection is reset", BreakMidBody("["+user+","+user+"]", true)},
		{"retry-after-9999", "429 with Retry-After on the last day of year 9999", Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}, `{}`)},
		{"retry-after-huge", "429 with Retry-After of 10^19 seconds", Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "10000000000000000000"}, `{}`)},
		{"retry-after-big", "429 with Retry-After of 9·10^18 seconds", Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "9000000000000000000"}, `{}`)},
		{"retry-after-1e308", "429 with Retry-After 1e308", Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "1e308"}, `{}`)},
		{"retry-after-negative", "429 with Retry-After -5", Static(http.StatusTooManyRequests, map[string]string{"Retry-After": "-5"}, `{}`)},
		{"reset-1e308", "403 rate limit with X-RateLimit-Reset 1e308", Static(http.StatusForbidden, mergeHeaders(tooMuch, "X-RateLimit-Reset", "1e308"), `{"message":"API rate limit exceeded"}`)},
		{"reset-9999", "403 rate limit with X-RateLimit-Reset at the end of year 9999", Static(http.StatusForbidden, mergeHeaders(tooMuch, "X-RateLimit-Reset", "253402300799"), `{"message":"API rate limit exceeded"}`)},
		{"reset-negative", "403 rate limit with X-RateLimit-Reset -1", Static(http.StatusForbidden, mergeHeaders(tooMuch, "X-RateLimit-Reset", "-1"), `{"message":"API rate limit exceeded"}`)},
		{"reset-huge", "403 rate limit with X-RateLimit-Reset 99999999999999999999", Static(http.StatusForbidden, mergeHeaders(tooMuch, "X-RateLimit-Reset", "99999999999999999999"), `{"message":"API rate limit exceeded"}`)},
	} {
		Register(r)
	}
}

func mergeHeaders(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		out[hk] = hv
	}
	return out
}
