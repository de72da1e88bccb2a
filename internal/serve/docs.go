package serve

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/swaggest/swgui/v5/static"

	"github.com/lumosgo/lumos/openapi"
	"github.com/lumosgo/lumos/toolkit"
)

// docs are the documents the server describes itself with, each built on
// first use and kept.
type docs struct {
	s *Server

	specOnce          sync.Once
	specJSON, specYML []byte
	specErr           error

	mu      sync.Mutex
	schemas map[string][]byte // app_id → its app_info OpenAPI document
}

func newDocs(s *Server) *docs { return &docs{s: s, schemas: map[string][]byte{}} }

// serveUI answers /docs and its assets: Swagger UI, its files embedded in
// the binary by swaggest's swgui module, showing the server's OpenAPI
// document. The page loads nothing from elsewhere (its Content-Security-
// Policy says so too).
func (d *docs) serveUI(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/docs"), "/")
	if name == "" {
		title := "lumos connectors"
		if in := d.s.cfg.Single; in != nil {
			title = cmp.Or(in.Declaration().Description.UserFriendlyName, in.AppID()) + " connector"
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
		writeDoc(w, "text/html; charset=utf-8", []byte(fmt.Sprintf(docsPage, html.EscapeString(title))))
		return
	}
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png", ".html": "text/html; charset=utf-8"}
	ctype, known := types[path.Ext(name)]
	if !known {
		notFoundDetail(w)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if b, err := fs.ReadFile(static.FS, name); err == nil {
		writeDoc(w, ctype, b)
		return
	}
	gz, err := fs.ReadFile(static.FS, name+".gz")
	if err != nil {
		notFoundDetail(w)
		return
	}
	w.Header().Set("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		writeDoc(w, ctype, gz)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		detail(w, http.StatusInternalServerError, err.Error())
		return
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		detail(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeDoc(w, ctype, b)
}

func notFoundDetail(w http.ResponseWriter) { detail(w, http.StatusNotFound, "Not Found") }

// docsPage is the /docs page; %s is its title.
const docsPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s - API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: window.location.origin + "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    defaultModelsExpandDepth: -1,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
</script>
</body>
</html>
`

// serveSpec answers /openapi.json and /openapi.yaml of `lumos serve`.
func (d *docs) serveSpec(w http.ResponseWriter, yaml bool) {
	d.specOnce.Do(func() { d.specJSON, d.specYML, d.specErr = serverSpec(d.s.cfg.Version) })
	switch {
	case d.specErr != nil:
		detail(w, http.StatusInternalServerError, d.specErr.Error())
	case yaml:
		writeDoc(w, "application/yaml", d.specYML)
	default:
		writeDoc(w, "application/json", d.specJSON)
	}
}

// serveAppSchema answers a connector's openapi.json: the OpenAPI document
// of its app_info. Under /connectors/{app_id}/ its paths are relative to
// that prefix, which the document's servers say.
func (d *docs) serveAppSchema(w http.ResponseWriter, r *http.Request, in *toolkit.Integration) {
	d.mu.Lock()
	doc, ok := d.schemas[in.AppID()]
	d.mu.Unlock()
	if !ok {
		var err error
		if doc, err = appSchema(r.Context(), in, d.s.cfg.Single == nil); err != nil {
			detail(w, http.StatusInternalServerError, err.Error())
			return
		}
		d.mu.Lock()
		d.schemas[in.AppID()] = doc
		d.mu.Unlock()
	}
	writeDoc(w, "application/json", doc)
}

// appSchema runs the connector's app_info and returns its OpenAPI document.
func appSchema(ctx context.Context, in *toolkit.Integration, prefixed bool) ([]byte, error) {
	out := in.Dispatch(ctx, string(toolkit.CapAppInfo.Name()), []byte(`{"request":{}}`))
	var env struct {
		Response struct {
			AppSchema map[string]any `json:"app_schema"`
		} `json:"response"`
	}
	if err := json.Unmarshal(out, &env); err != nil || env.Response.AppSchema == nil {
		return nil, fmt.Errorf("app_info of %s gave no OpenAPI document", in.AppID())
	}
	if prefixed {
		env.Response.AppSchema["servers"] = []any{map[string]any{"url": "/connectors/" + in.AppID()}}
	}
	b, err := json.MarshalIndent(env.Response.AppSchema, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// serverSpec is the protocol's OpenAPI document with the routes of
// `lumos serve`: each capability under /connectors/{connector_id}/, plus
// the listing, info, per-connector document, probes and metrics, and the
// bearer token as an optional security scheme. Both forms are derived
// from the documents rendered at build time (openapi.Generated), the YAML
// one by editing its text, so nothing is re-rendered at run time.
func serverSpec(version string) (js, yml []byte, err error) {
	raw, err := openapi.Generated(openapi.OpenAPI30, openapi.JSON)
	if err != nil {
		return nil, nil, err
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, nil, err
	}
	paths, _ := tree["paths"].(map[string]any)
	served := map[string]any{}
	for p, item := range paths {
		served["/connectors"+p] = item
	}
	extra := extraPaths()
	for p, item := range extra {
		served[p] = item
	}
	tree["paths"] = served
	top := map[string]any{
		"servers":  []any{map[string]any{"url": "/", "description": "this server"}},
		"security": []any{map[string]any{}, map[string]any{"bearer": []any{}}},
	}
	maps.Copy(tree, top)
	schemes := map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
		"description": "The token of --token-file, when the server was started with one."}}
	comps, _ := tree["components"].(map[string]any)
	comps["securitySchemes"] = schemes
	info, _ := tree["info"].(map[string]any)
	info["x-lumos-serve-version"] = version
	if js, err = json.MarshalIndent(tree, "", "  "); err != nil {
		return nil, nil, err
	}
	rawYAML, err := openapi.Generated(openapi.OpenAPI30, openapi.YAML)
	if err != nil {
		return nil, nil, err
	}
	var b strings.Builder
	for line := range strings.Lines(string(rawYAML)) {
		if rest, ok := strings.CutPrefix(line, "  /{connector_id}/"); ok {
			line = "  /connectors/{connector_id}/" + rest
		}
		b.WriteString(line)
		switch line {
		case "info:\n":
			writeYAML(&b, map[string]any{"x-lumos-serve-version": version}, 2)
		case "paths:\n":
			writeYAML(&b, extra, 2)
		case "components:\n":
			writeYAML(&b, map[string]any{"securitySchemes": schemes}, 2)
		}
	}
	writeYAML(&b, top, 0)
	return append(js, '\n'), []byte(b.String()), nil
}

// writeYAML writes v, a tree of maps, lists and scalars as encoding/json
// decodes them, as block YAML indented by indent spaces. Keys and strings
// are written as JSON strings, which YAML reads as double-quoted scalars.
func writeYAML(b *strings.Builder, v map[string]any, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, k := range slices.Sorted(maps.Keys(v)) {
		b.WriteString(pad + quoteYAML(k) + ":")
		writeYAMLValue(b, v[k], indent)
	}
}

// writeYAMLValue writes a mapping's value: on the key's line when it is a
// scalar or empty, else on the lines after it.
func writeYAMLValue(b *strings.Builder, v any, indent int) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteString("\n")
		writeYAML(b, v, indent+2)
	case []any:
		if len(v) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteString("\n")
		pad := strings.Repeat(" ", indent)
		for _, item := range v {
			m, isMap := item.(map[string]any)
			if !isMap || len(m) == 0 {
				b.WriteString(pad + "-")
				writeYAMLValue(b, item, indent+2)
				continue
			}
			// The item's first key goes on the dash's line.
			var sub strings.Builder
			writeYAML(&sub, m, indent+2)
			b.WriteString(pad + "- " + strings.TrimPrefix(sub.String(), pad+"  "))
		}
	default:
		s, _ := json.Marshal(v)
		b.WriteString(" " + string(s) + "\n")
	}
}

// quoteYAML writes a key plainly when it is a word YAML reads as a
// string, else quoted.
func quoteYAML(k string) string {
	plain := k != "" && (k[0] >= 'a' && k[0] <= 'z' || k[0] >= 'A' && k[0] <= 'Z') &&
		!slices.Contains([]string{"true", "false", "null", "yes", "no", "on", "off", "y", "n"}, strings.ToLower(k))
	for _, c := range k {
		if !plain || !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			s, _ := json.Marshal(k)
			return string(s)
		}
	}
	return k
}

// extraPaths are the routes of `lumos serve` that are not capabilities.
func extraPaths() map[string]any {
	idParam := map[string]any{"name": "connector_id", "in": "path", "required": true,
		"description": "The app id of the connector, e.g. mock.", "schema": map[string]any{"type": "string"}}
	get := func(id, tag, summary, desc, ctype string, params ...any) map[string]any {
		op := map[string]any{"operationId": id, "tags": []any{tag}, "summary": summary, "description": desc,
			"responses": map[string]any{
				"200": map[string]any{"description": "OK", "content": map[string]any{ctype: map[string]any{"schema": map[string]any{}}}},
				"404": map[string]any{"description": "No such route or connector."},
			}}
		if len(params) > 0 {
			op["parameters"] = params
		}
		return map[string]any{"get": op}
	}
	const server = "Server"
	return map[string]any{
		"/connectors": get("list_connectors", server, "List connectors",
			"The connectors this server runs, as `lumos connectors list --json` prints them.", "application/json"),
		"/connectors/{connector_id}/info": get("connector_info", server, "Describe a connector",
			"The connector's `info` document, as `lumos <connector> info` prints it.", "application/json", idParam),
		"/connectors/{connector_id}/openapi.json": get("connector_openapi", server, "A connector's OpenAPI document",
			"The OpenAPI document of the connector's app_info; its paths are relative to /connectors/{connector_id}.", "application/json", idParam),
		"/healthz": get("healthz", server, "Liveness", "200 while the process runs.", "text/plain"),
		"/readyz":  get("readyz", server, "Readiness", "200 while the server accepts calls; 503 once it drains.", "text/plain"),
		"/metrics": get("metrics", server, "Prometheus metrics", "Metrics in the Prometheus text format.", "text/plain"),
	}
}
