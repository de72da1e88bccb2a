package hostile

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf16"
)

// The attacks of this file try to make a connector leak a secret or forge
// a log record: an upstream that echoes the request's credentials in
// escaped JSON spellings, an https endpoint redirecting to plain http,
// next-page links that carry credentials in their query, and answers full
// of line breaks and terminal escapes.

// Spelling is a way of writing a string inside a JSON string literal;
// every spelling is valid JSON and decodes to the same string.
type Spelling string

// The spellings the echo attacks use.
const (
	Literal  Spelling = "literal"   // as encoding/json writes it (only ", \ and control characters escaped)
	Solidus  Spelling = "solidus"   // every '/' as \/, the rest literal
	LowerHex Spelling = "lower-hex" // every character as \uxxxx (lower-case hex; surrogate pairs beyond U+FFFF)
	UpperHex Spelling = "upper-hex" // every character as \uXXXX (upper-case hex)
	Mixed    Spelling = "mixed"     // every third character as \uxxxx, every '/' as \/, the rest literal
)

// Spellings lists every Spelling.
var Spellings = []Spelling{Literal, Solidus, LowerHex, UpperHex, Mixed}

// Spell returns s written in spelling sp as the contents of a JSON string
// literal (without the surrounding quotes).
func Spell(s string, sp Spelling) string {
	var b strings.Builder
	i := 0
	for _, c := range s {
		i++
		switch {
		case sp == LowerHex || sp == UpperHex || sp == Mixed && i%3 == 1:
			format := `\u%04x`
			if sp == UpperHex {
				format = `\u%04X`
			}
			if r1, r2 := utf16.EncodeRune(c); r1 != '\uFFFD' {
				fmt.Fprintf(&b, format+format, r1, r2)
			} else {
				fmt.Fprintf(&b, format, c)
			}
		case c == '/' && (sp == Solidus || sp == Mixed):
			b.WriteString(`\/`)
		default:
			q, _ := json.Marshal(string(c))
			b.Write(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// echoOf is the JSON object an echo attack answers with: the request's
// method, URL, headers and form or JSON body, every string in spelling
// sp. Names and values are given as [name, value] pairs, so that no value
// sits under a key that names a secret: a value can only be masked by
// what it is.
func echoOf(r *http.Request, sp Spelling) string {
	str := func(s string) string { return `"` + Spell(s, sp) + `"` }
	pairs := func(m map[string][]string) string {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		var parts []string
		for _, k := range names {
			for _, v := range m[k] {
				parts = append(parts, "["+str(k)+","+str(v)+"]")
			}
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	var form url.Values
	body := ""
	if r.Body != nil {
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch ct {
		case "application/x-www-form-urlencoded":
			form, _ = url.ParseQuery(string(raw))
		case "application/json":
			body = string(raw)
		}
	}
	return `{"method":` + str(r.Method) + `,"url":` + str(r.URL.String()) +
		`,"query":` + pairs(r.URL.Query()) + `,"headers":` + pairs(r.Header) +
		`,"form":` + pairs(form) + `,"body":` + str(body) + `}`
}

// Echo answers status with shape(echo), echo being a JSON object that
// repeats the request back in spelling sp: its method, its URL, its query,
// form and header values (Authorization included) as [name, value] pairs,
// and a JSON body as a string. shape builds the body around it, e.g.
// ErrorShape or ListShape.
func Echo(status int, sp Spelling, shape func(echo string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, status, shape(echoOf(r, sp)))
	})
}

// ErrorShape is an error body quoting the echo:
// {"message":"Bad credentials","echo":<echo>}.
func ErrorShape(echo string) string {
	return `{"message":"Bad credentials","echo":` + echo + `}`
}

// ListShape is a one-entry list of a user-like entry carrying the echo:
// [{"id":1,"login":"user-1","type":"User","echo":<echo>}].
func ListShape(echo string) string {
	return `[{"id":1,"login":"user-1","type":"User","echo":` + echo + `}]`
}

// Landing is the route the https-to-http attacks redirect to: it answers
// 401 with the echo (ErrorShape, literal) of what it received, as a server
// that got no credentials would.
const Landing = "https-to-http-landing"

// Downgrade redirects with status (302, 307, …) to the same path and
// query under /Landing on the server's plain http listener: from the
// https listener (Server.TLSURL) that is a downgrade to http on the same
// host. Reached over plain http it redirects likewise, to the same origin.
func Downgrade(status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := r.Context().Value(serverKey{}).(*Server)
		if s == nil {
			http.Error(w, "hostile: Downgrade is served by a hostile.Server only", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Location", s.URL()+"/"+Landing+r.URL.RequestURI())
		writeJSON(w, status, `{"message":"moved"}`)
	})
}

// The credentials the next-page links of SecretNext carry: page n's link
// has access_token=QueryAccessToken<n>&sig=QuerySignature<n>.
const (
	QueryAccessToken = "hqsAccessT0ken"
	QuerySignature   = "hqsSiGnature9"
)

// SecretNext answers pages pages of one new entry each (entry(1), entry(2),
// …), every page but the last linking to the next with a URL whose query
// carries credentials the upstream minted: access_token and sig (see
// QueryAccessToken). It does not check them, so a listing resumed without
// them goes on.
func SecretNext(pages int, entry func(id int) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := hop(r)
		if page+1 < pages {
			next := nextURL(r, page+1)
			q, _ := url.Parse(next)
			v := q.Query()
			v.Set("access_token", fmt.Sprintf("%s%d", QueryAccessToken, page+1))
			v.Set("sig", fmt.Sprintf("%s%d", QuerySignature, page+1))
			q.RawQuery = v.Encode()
			w.Header().Set("Link", "<"+q.String()+`>; rel="next"`)
		}
		writeJSON(w, http.StatusOK, "["+entry(page+1)+"]")
	})
}

// ForgedRecord is the log record the log-injection attacks try to forge,
// each time after a line break, a carriage return or a terminal escape. A
// log in which a line starts with it, or names the logger lumos.forged,
// was forged.
const ForgedRecord = "00:00:00,000 lumos.forged CRITICAL forged record"

// injection is text meant to end the current log record and forge
// another, or to drive a terminal: every kind of line break, a carriage
// return and ANSI escapes, each followed by ForgedRecord.
var injection = "a\n" + ForgedRecord + "\r\n" + ForgedRecord + "\r" + ForgedRecord + "\x1b[2K\x1b[1G" + ForgedRecord +
	"\u2028" + ForgedRecord + "\u0085" + ForgedRecord + "\x1b]0;pwned\x07\x1b[31m" + ForgedRecord + "\x1b[0m"

// headerInjection is the part of injection an HTTP client accepts in a
// header value or reason phrase: no control characters, the Unicode line
// breaks kept.
var headerInjection = "a\u2028" + ForgedRecord + "\u0085" + ForgedRecord + " \u2029" + ForgedRecord

// LogInjection answers status with a JSON error body whose message (and a
// second field) holds line breaks, carriage returns and terminal escapes
// followed by ForgedRecord; the reason phrase holds an escape too, and each
// of headers holds the Unicode line breaks (U+2028, U+0085, U+2029) an
// HTTP client lets through, each followed by ForgedRecord.
func LogInjection(status int, headers ...string) http.Handler {
	return raw(func(r *http.Request) (string, []string, string, string) {
		msg, _ := json.Marshal(injection)
		body := `{"message":` + string(msg) + `,"documentation_url":` + string(msg) + `}`
		var hs []string
		for _, h := range headers {
			hs = append(hs, h+": "+headerInjection)
		}
		return fmt.Sprintf("%d %s\x1b[2J%s", status, http.StatusText(status), headerInjection), hs, "application/json", body
	})
}

// LogInjectionText answers status with a text/plain body of raw line
// breaks, carriage returns and terminal escapes followed by ForgedRecord.
func LogInjectionText(status int) http.Handler {
	return raw(func(r *http.Request) (string, []string, string, string) {
		return fmt.Sprintf("%d %s", status, http.StatusText(status)), nil, "text/plain", injection
	})
}

// MalformedHeader answers 200 with a header holding a raw terminal escape
// and a carriage return followed by ForgedRecord: a header line an HTTP
// client refuses, and whose refusal may quote it.
func MalformedHeader() http.Handler {
	return raw(func(r *http.Request) (string, []string, string, string) {
		return "200 OK", []string{"X-Hostile: a\x1b[2J\r" + ForgedRecord}, "application/json", `[]`
	})
}

// raw writes an answer byte for byte, bypassing the checks of net/http:
// the status line after "HTTP/1.1 ", header lines, a Content-Type and a
// body, then closes the connection.
func raw(answer func(r *http.Request) (status string, headers []string, contentType, body string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, headers, ct, body := answer(r)
		io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 %s\r\n", status)
		for _, h := range headers {
			fmt.Fprintf(buf, "%s\r\n", h)
		}
		fmt.Fprintf(buf, "Content-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", ct, len(body), body)
		buf.Flush()
	})
}

func init() {
	user := func(id int) string { return fmt.Sprintf(`{"id":%d,"login":"user-%d","type":"User"}`, id, id) }
	routes := []Route{
		{"https-to-http", "from the https listener, 302 to the same path on the plain http listener (see Landing)", Downgrade(http.StatusFound)},
		{"https-to-http-307", "from the https listener, 307 (the body kept) to the same path on the plain http listener", Downgrade(http.StatusTemporaryRedirect)},
		{Landing, "401 echoing what it received, where the https-to-http attacks land", Echo(http.StatusUnauthorized, Literal, ErrorShape)},
		{"secret-next", "three one-user pages whose next links carry access_token and sig in their query", SecretNext(3, user)},
		{"log-injection", "403 whose message, reason phrase and X-Hostile header hold line breaks, CRs and terminal escapes forging records", LogInjection(http.StatusForbidden, "X-Hostile")},
		{"log-injection-text", "400 with a text/plain body of raw line breaks, CRs and terminal escapes forging records", LogInjectionText(http.StatusBadRequest)},
		{"malformed-header", "200 with a header holding a raw terminal escape and CR", MalformedHeader()},
	}
	for _, sp := range Spellings {
		routes = append(routes,
			Route{"echo-error-" + string(sp), "401 echoing the request's headers, query and form, spelled " + string(sp), Echo(http.StatusUnauthorized, sp, ErrorShape)},
			Route{"echo-list-" + string(sp), "a one-user list echoing the request's headers, query and form, spelled " + string(sp), Echo(http.StatusOK, sp, ListShape)})
	}
	for _, r := range routes {
		Register(r)
	}
}
