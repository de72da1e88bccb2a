package serve_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
)

// artefactDir is where tests leave files for people to look at: the
// LUMOS_TEST_ARTEFACTS folder, or lumos-test-artefacts under the system's
// temporary folder.
func artefactDir(t *testing.T) string {
	dir := os.Getenv("LUMOS_TEST_ARTEFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "lumos-test-artefacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// chromium runs headless Chromium with args and returns its standard output.
func chromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=10000"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestDocsPageInBrowser opens /docs of both forms in headless Chromium:
// Swagger UI renders (client-side) and lists the operations, and a
// screenshot is kept.
func TestDocsPageInBrowser(t *testing.T) {
	bin := debianTool(t, "chromium", "chromium", "chromium-browser")
	cases := []struct {
		name string
		args []string
		ops  []string // operations the page must list
	}{
		{"every connector", []string{"serve"}, []string{"/connectors/{connector_id}/list_accounts", "/connectors/{connector_id}/validate_credentials", "/healthz"}},
		{"one connector", []string{"mock", "serve"}, []string{"/list_accounts", "/validate_credentials", "/get_last_activity"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			r := startReplica(t, append(tc.args, "--listen", "127.0.0.1:0", "--no-access-log")...)
			url := "http://" + r.addr + "/docs"
			dom := chromium(t, bin, "--dump-dom", url)
			is.True(strings.Contains(dom, `class="swagger-ui`))      // Swagger UI rendered
			is.True(strings.Count(dom, "opblock-summary-path") > 10) // operations are listed
			for _, op := range tc.ops {
				if !strings.Contains(dom, `data-path="`+op+`"`) {
					t.Errorf("the docs page does not list %s", op)
				}
			}
			shot := filepath.Join(artefactDir(t), "serve-docs-"+strings.ReplaceAll(tc.name, " ", "-")+".png")
			chromium(t, bin, "--window-size=1280,2000", "--screenshot="+shot, url)
			st, err := os.Stat(shot)
			is.NoErr(err)
			is.True(st.Size() > 10_000) // a rendered page, not a blank one
			t.Logf("screenshot: %s", shot)
		})
	}
}
