package serve

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// exchange is what the access log and the metrics learn of one request.
type exchange struct {
	http.ResponseWriter
	status     int
	bytes      int
	connector  string
	capability string
}

func (e *exchange) WriteHeader(code int) {
	if e.status == 0 {
		e.status = code
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *exchange) Write(p []byte) (int, error) {
	if e.status == 0 {
		e.status = http.StatusOK
	}
	n, err := e.ResponseWriter.Write(p)
	e.bytes += n
	return n, err
}

// Flush lets the docs' file server stream.
func (e *exchange) Flush() {
	if f, ok := e.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// routes is the server's handler: probes first (never behind the token),
// then the token check, then the routes of the server's form.
func (s *Server) routes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				if x.status == 0 {
					detail(x, http.StatusInternalServerError, fmt.Sprint(v))
				}
			}
			s.observe(r, x, time.Since(start))
		}()
		s.route(x, r)
	})
}

func (s *Server) route(x *exchange, r *http.Request) {
	path := r.URL.EscapedPath()
	if !canonical(path) {
		notFound(x)
		return
	}
	switch path {
	case "/healthz":
		if allow(x, r, http.MethodGet) {
			x.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = x.Write([]byte("ok\n"))
		}
		return
	case "/readyz":
		if allow(x, r, http.MethodGet) {
			s.readyz(x)
		}
		return
	}
	if !s.authorized(r) {
		x.Header().Set("WWW-Authenticate", `Bearer realm="lumos"`)
		detail(x, http.StatusUnauthorized, "Unauthorized")
		return
	}
	switch {
	case path == "/metrics":
		if allow(x, r, http.MethodGet) {
			s.metrics.handler.ServeHTTP(x, r)
		}
	case path == "/docs" || strings.HasPrefix(path, "/docs/"):
		if allow(x, r, http.MethodGet) {
			s.docs.serveUI(x, r)
		}
	case s.cfg.Single != nil:
		s.routeSingle(x, r, path)
	default:
		s.routeMulti(x, r, path)
	}
}

// routeMulti answers the routes of `lumos serve`.
func (s *Server) routeMulti(x *exchange, r *http.Request, path string) {
	switch path {
	case "/connectors":
		if allow(x, r, http.MethodGet) {
			writeDoc(x, "application/json", s.cfg.ConnectorList)
		}
		return
	case "/openapi.json", "/openapi.yaml":
		if allow(x, r, http.MethodGet) {
			s.docs.serveSpec(x, strings.HasSuffix(path, ".yaml"))
		}
		return
	}
	segs := strings.Split(path[1:], "/")
	if len(segs) != 3 || segs[0] != "connectors" {
		notFound(x)
		return
	}
	in, ok := s.byID[segs[1]]
	if !ok {
		notFound(x)
		return
	}
	s.routeConnector(x, r, in, segs[2])
}

// routeSingle answers the routes of the reference SDK's development server
// for one connector.
func (s *Server) routeSingle(x *exchange, r *http.Request, path string) {
	if path == "/" || strings.Count(path, "/") != 1 {
		notFound(x)
		return
	}
	s.routeConnector(x, r, s.cfg.Single, path[1:])
}

// routeConnector answers what one connector's routes end in: openapi.json,
// info, or a capability.
func (s *Server) routeConnector(x *exchange, r *http.Request, in *toolkit.Integration, last string) {
	x.connector = in.AppID()
	switch last {
	case "openapi.json":
		if allow(x, r, http.MethodGet) {
			s.docs.serveAppSchema(x, r, in)
		}
		return
	case "info":
		x.capability = "info"
		if allow(x, r, http.MethodGet, http.MethodPost) {
			doc, err := in.InfoDocument()
			if err != nil {
				detail(x, http.StatusInternalServerError, "building info: "+err.Error())
				return
			}
			writeDoc(x, "application/json", append(doc[:len(doc):len(doc)], '\n'))
		}
		return
	}
	name, ok := capabilityName(last)
	if !ok {
		notFound(x)
		return
	}
	x.capability = s.capabilityLabel(in, name)
	if allow(x, r, http.MethodPost) {
		s.call(x, r, in, name)
	}
}

// capabilityName reads a capability from a path segment: lower-case
// letters, digits and underscores, hyphens read as underscores.
func capabilityName(seg string) (string, bool) {
	if seg == "" || len(seg) > 100 {
		return "", false
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "", false
		}
	}
	return strings.ReplaceAll(seg, "-", "_"), true
}

// capabilityLabel is the capability as logs and metrics name it: one the
// connector has, or "unknown" (so a client cannot grow the metrics without
// bound).
func (s *Server) capabilityLabel(in *toolkit.Integration, name string) string {
	if s.caps[in][name] {
		return name
	}
	return "unknown"
}

// canonical reports whether path is in its one plain form: absolute, no
// empty, "." or ".." segment, and no escaped byte other than none at all
// (an encoded slash or dot could otherwise name a route in disguise).
func canonical(path string) bool {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "%\\") {
		return false
	}
	if path == "/" {
		return true
	}
	for _, seg := range strings.Split(path[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return path == "/docs/" && seg == ""
		}
	}
	return true
}

// allow answers 405 unless r's method is one of methods.
func allow(x *exchange, r *http.Request, methods ...string) bool {
	if slices.Contains(methods, r.Method) {
		return true
	}
	x.Header().Set("Allow", strings.Join(methods, ", "))
	detail(x, http.StatusMethodNotAllowed, "Method Not Allowed")
	return false
}

func notFound(x *exchange) { detail(x, http.StatusNotFound, "Not Found") }

// detail answers status with the reference server's {"detail": "..."} body.
func detail(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(struct {
		Detail string `json:"detail"`
	}{msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeDoc answers 200 with a whole document in one write.
func writeDoc(w http.ResponseWriter, contentType string, doc []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}

func (s *Server) readyz(w http.ResponseWriter) {
	if !s.ready.Load() {
		detail(w, http.StatusServiceUnavailable, "not ready")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ready\n"))
}

func hashToken(tok string) [32]byte { return sha256.Sum256([]byte(tok)) }

// authorized checks the bearer token, comparing hashes in constant time.
func (s *Server) authorized(r *http.Request) bool {
	want := s.token.Load()
	if want == nil {
		return true
	}
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		tok = ""
	}
	got := hashToken(strings.TrimSpace(tok))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1 && tok != ""
}

// observe writes the access log record and counts the request. It records
// the method, route, connector, capability, status, duration and size:
// never a header, a query or a body.
func (s *Server) observe(r *http.Request, x *exchange, d time.Duration) {
	s.metrics.requests.WithLabelValues(strconv.Itoa(x.status)).Inc()
	if s.cfg.AccessLog == nil {
		return
	}
	path := r.URL.EscapedPath()
	if len(path) > 200 {
		path = path[:200] + "…"
	}
	s.cfg.AccessLog.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("path", path),
		slog.String("connector", x.connector),
		slog.String("capability", x.capability),
		slog.Int("status", x.status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.Int("bytes", x.bytes),
		slog.String("remote", r.RemoteAddr),
	)
}

var isErrorPrefix = []byte(`"is_error": true`)

// errorCode is the error_code of an error envelope, or "" for a success.
func errorCode(doc []byte) string {
	head := doc[:min(len(doc), 40)]
	if !bytes.Contains(head, isErrorPrefix) && !bytes.Contains(head, []byte(`"is_error":true`)) {
		return ""
	}
	var e struct {
		Error struct {
			Code string `json:"error_code"`
		} `json:"error"`
	}
	if json.Unmarshal(doc, &e) != nil || e.Error.Code == "" {
		return "unknown"
	}
	return e.Error.Code
}
