package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// ExitCapabilityError is the exit code of a call whose answer is an error
// envelope, when --fail-on-error asks for one (without it such a call exits 0).
const ExitCapabilityError = 3

// humanFlags choose how a document is shown; none of them changes the
// document the connector answers.
type humanFlags struct {
	Pretty      bool   `name:"pretty" xor:"layout" help:"Indent the JSON document (the default when standard output is a terminal)."`
	Compact     bool   `name:"compact" xor:"layout" help:"Print the protocol's one-line JSON document, even on a terminal."`
	Output      string `name:"output" short:"o" enum:"json,table,csv,ndjson" default:"json" placeholder:"FORMAT" help:"How to print a list capability's items: json (the document), table, csv or ndjson (one item per line). Other answers and errors are printed as JSON."`
	FailOnError bool   `name:"fail-on-error" help:"Exit 3 when the answer is an error envelope (the envelope is still printed); without it a handled error exits 0, as the protocol wants."`
}

// indent reports whether JSON documents are to be indented: when asked
// for, or on a terminal unless --compact.
func (h humanFlags) indent(s *Streams) bool {
	return h.Pretty || (!h.Compact && s.stdoutTTY)
}

// format is the -o value; the fast path leaves it empty, meaning json.
func (h humanFlags) format() string {
	if h.Output == "" {
		return "json"
	}
	return h.Output
}

// showJSON is doc as the user asked to see it: as it is, or indented.
func showJSON(doc []byte, indent bool) []byte {
	if !indent {
		return doc
	}
	var b bytes.Buffer
	if json.Indent(&b, doc, "", "  ") != nil {
		return doc
	}
	return b.Bytes()
}

// envelope is the part of a response document the command line reads.
type envelope struct {
	IsError  bool            `json:"is_error"`
	Response json.RawMessage `json:"response"`
	Page     *struct {
		Token string `json:"token"`
	} `json:"page"`
}

// readEnvelope decodes doc's envelope; items is set when the response is
// a JSON array (a list capability's answer).
func readEnvelope(doc []byte) (env envelope, items []json.RawMessage, err error) {
	// A list answer is read in one pass; anything else falls back to two.
	var list struct {
		IsError  bool              `json:"is_error"`
		Response []json.RawMessage `json:"response"`
		Page     *struct {
			Token string `json:"token"`
		} `json:"page"`
	}
	if json.Unmarshal(doc, &list) == nil && !list.IsError && list.Response != nil {
		return envelope{Page: list.Page}, list.Response, nil
	}
	if err = json.Unmarshal(doc, &env); err != nil {
		return env, nil, err
	}
	if !env.IsError && len(env.Response) > 0 && env.Response[0] == '[' {
		err = json.Unmarshal(env.Response, &items)
		if items == nil && err == nil {
			items = []json.RawMessage{}
		}
	}
	return env, items, err
}

// present turns a response document into what standard output shows: the
// document itself (indented on a terminal), or for a list answer with
// -o table, csv or ndjson its items. The second result tells whether the
// document was an error envelope.
func (h humanFlags) present(doc []byte, s *Streams) ([]byte, bool) {
	env, items, err := readEnvelope(doc)
	isError := err == nil && env.IsError
	f := h.format()
	if f == "json" || err != nil || items == nil {
		if f != "json" && err == nil && !isError {
			fmt.Fprintf(s.Stderr, "note: -o %s applies to list capabilities; this answer is not a list and is printed as JSON\n", f)
		}
		return showJSON(doc, h.indent(s)), isError
	}
	var b bytes.Buffer
	w := newItemWriter(&b, f)
	if err := w.write(items); err != nil {
		return showJSON(doc, h.indent(s)), isError
	}
	_ = w.close()
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), false
}

// itemWriter writes list items as table rows, CSV records or NDJSON lines.
// Its columns are the keys of the first items written, in order.
type itemWriter struct {
	format  string
	out     io.Writer
	tab     *tabwriter.Writer
	csv     *csv.Writer
	columns []string
	started bool
}

func newItemWriter(out io.Writer, format string) *itemWriter {
	w := &itemWriter{format: format, out: out}
	switch format {
	case "table":
		w.tab = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	case "csv":
		w.csv = csv.NewWriter(out)
	}
	return w
}

// write writes items; the first call also writes the header.
func (w *itemWriter) write(items []json.RawMessage) error {
	if w.format == "ndjson" {
		// One write per page; the items of a compact document are compact
		// already, so only one holding a line break is compacted.
		var b bytes.Buffer
		for _, it := range items {
			if bytes.IndexByte(it, '\n') >= 0 || bytes.IndexByte(it, '\r') >= 0 {
				if err := json.Compact(&b, it); err != nil {
					return err
				}
			} else {
				b.Write(it)
			}
			b.WriteByte('\n')
		}
		_, err := w.out.Write(b.Bytes())
		return err
	}
	rows := make([]map[string]json.RawMessage, 0, len(items))
	for _, it := range items {
		keys, values, err := objectFields(it)
		if err != nil {
			return err
		}
		if !w.started {
			w.columns = appendNew(w.columns, keys)
		}
		rows = append(rows, values)
	}
	if !w.started {
		if len(w.columns) == 0 && len(rows) == 0 {
			return nil // nothing yet to take the columns from
		}
		w.started = true
		if err := w.row(w.header()); err != nil {
			return err
		}
	}
	for _, r := range rows {
		cells := make([]string, len(w.columns))
		for i, c := range w.columns {
			cells[i] = cell(r[c], w.tab != nil)
		}
		if err := w.row(cells); err != nil {
			return err
		}
	}
	return nil
}

func (w *itemWriter) header() []string {
	if w.tab == nil {
		return w.columns
	}
	h := make([]string, len(w.columns))
	for i, c := range w.columns {
		h[i] = strings.ToUpper(c)
	}
	return h
}

func (w *itemWriter) row(cells []string) error {
	if w.csv != nil {
		return w.csv.Write(cells)
	}
	_, err := io.WriteString(w.tab, strings.Join(cells, "\t")+"\n")
	return err
}

// flush writes out what is buffered (CSV records; a table waits for close,
// as its column widths depend on every row).
func (w *itemWriter) flush() error {
	if w.csv != nil {
		w.csv.Flush()
		return w.csv.Error()
	}
	return nil
}

// close writes out everything.
func (w *itemWriter) close() error {
	if w.tab != nil {
		return w.tab.Flush()
	}
	return w.flush()
}

// appendNew appends the keys not in cols yet.
func appendNew(cols, keys []string) []string {
	for _, k := range keys {
		found := false
		for _, c := range cols {
			found = found || c == k
		}
		if !found {
			cols = append(cols, k)
		}
	}
	return cols
}

// objectFields returns a JSON object's keys in document order and its values.
func objectFields(raw json.RawMessage) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return []string{"value"}, map[string]json.RawMessage{"value": raw}, nil // a list of scalars: one column
	}
	var keys []string
	values := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, ok := t.(string)
		if !ok {
			return nil, nil, errors.New("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, seen := values[k]; !seen {
			keys = append(keys, k)
		}
		values[k] = v
	}
	return keys, values, nil
}

// maxCell is the widest a table cell is shown; longer values are cut.
const maxCell = 48

// cell is a value as one table or CSV cell: strings without their quotes,
// null as nothing, anything else as compact JSON. Table cells have their
// control characters escaped and are cut to maxCell characters.
func cell(v json.RawMessage, table bool) string {
	var text string
	var str string
	switch {
	case len(v) == 0 || string(v) == "null":
	case json.Unmarshal(v, &str) == nil:
		text = str
	default:
		var b bytes.Buffer
		if json.Compact(&b, v) == nil {
			text = b.String()
		} else {
			text = string(v)
		}
	}
	if !table {
		return text
	}
	text = strings.ReplaceAll(escapeControls(text), "\t", " ")
	if utf8.RuneCountInString(text) > maxCell {
		r := []rune(text)
		text = string(r[:maxCell-1]) + "…"
	}
	return text
}
