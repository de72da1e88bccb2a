package cli_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	_ "github.com/lumosgo/lumos/mock" // registers the mock connector
)

// validJSON is the request of the README's mock-connector example.
const validJSON = `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"google.com"}}`

// validOut is what validate_credentials prints for validJSON.
const validOut = `{"response":{"valid":true,"unique_tenant_id":"mock-connector-tenant-id"},"raw_data":null,"page":null,"execution_summary":null}` + "\n"

// result is what one in-process run of the command line produced.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the command line in-process with args (args[0] is the program
// name) and stdin as standard input.
func run(stdin string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := cli.Run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// assertOneDocument checks that out is exactly one JSON document followed by
// a single newline, and returns the document without the newline.
func assertOneDocument(is *is.I, out string) string {
	is.Helper()
	is.True(strings.HasSuffix(out, "\n")) // stdout ends with a newline
	is.Equal(strings.Count(out, "\n"), 1) // stdout holds a single line: one document
	doc := strings.TrimSuffix(out, "\n")
	var v any
	is.NoErr(json.Unmarshal([]byte(doc), &v)) // stdout is one JSON document
	return doc
}

// assertStdoutClean checks the stdout invariant: empty, or exactly one JSON
// document and a newline.
func assertStdoutClean(is *is.I, out string) {
	is.Helper()
	if out != "" {
		assertOneDocument(is, out)
	}
}

// errorEnvelope is the part of an ErrorResponse the tests look at.
type errorEnvelope struct {
	IsError bool `json:"is_error"`
	Error   struct {
		Message   string `json:"message"`
		ErrorCode string `json:"error_code"`
		AppID     string `json:"app_id"`
	} `json:"error"`
}

// decodeStrictly decodes one JSON document with numbers kept as written.
func decodeStrictly(doc string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON document")
	}
	return v, nil
}

// gunzipFile returns the decompressed content of a gzip file, which must be
// a single gzip member with nothing after it.
func gunzipFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s is not gzip: %v", path, err)
	}
	b, err := io.ReadAll(zr) // fails on trailing garbage, as from a file not truncated
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return string(b)
}
