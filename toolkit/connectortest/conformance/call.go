package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// answer is a decoded response document, success or error.
type answer struct {
	raw              []byte
	Response         json.RawMessage           `json:"response"`
	Page             *toolkit.Page             `json:"page"`
	ExecutionSummary *toolkit.ExecutionSummary `json:"execution_summary"`
	IsError          bool                      `json:"is_error"`
	Error            *struct {
		Message   string `json:"message"`
		ErrorCode string `json:"error_code"`
		AppID     string `json:"app_id"`
	} `json:"error"`
}

// failure describes an error answer in one line.
func (a *answer) failure() string {
	if a.Error == nil {
		return "an error envelope without an error object"
	}
	return a.Error.ErrorCode + ": " + oneLine(a.Error.Message, 300)
}

// errNoAnswer is a call that did not answer within CallTimeout.
var errNoAnswer = errors.New("no answer")

// errBudget is a call cut short by the end of the time budget (or of the
// run's context): its answer says nothing about the connector.
var errBudget = errors.New("interrupted")

// dispatch runs one capability call through the integration's whole
// pipeline, bounded by CallTimeout; a handler that ignores its context is
// abandoned (its goroutine is left running). Every answer is checked for the
// request's secrets.
func (r *runner) dispatch(name string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(r.ctx, r.opts.CallTimeout)
	defer cancel()
	done := make(chan []byte, 1)
	go func() { done <- r.in.Dispatch(ctx, name, body) }()
	var doc []byte
	select {
	case doc = <-done:
	case <-ctx.Done():
		select {
		case doc = <-done: // the handler stopped on its context
		case <-time.After(min(time.Second, r.opts.CallTimeout)):
			if r.ctx.Err() != nil {
				r.interrupted = true
				return nil, fmt.Errorf("%w: %s", errBudget, r.budgetText())
			}
			return nil, fmt.Errorf("%w within the call timeout of %s", errNoAnswer, r.opts.CallTimeout)
		}
	}
	if r.ctx.Err() != nil {
		r.interrupted = true
		return nil, fmt.Errorf("%w: %s", errBudget, r.budgetText())
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w within the call timeout of %s (it answered once its context was cancelled: %s)",
			errNoAnswer, r.opts.CallTimeout, oneLine(string(doc), 200))
	}
	r.answers++
	if !r.secrets.Empty() && r.secrets.String(string(doc)) != string(doc) && len(r.leaks) < 10 {
		r.leaks = append(r.leaks, fmt.Sprintf("%s: the answer carries a secret of the request", name))
	}
	return doc, nil
}

// call dispatches a request built from the base (auth and settings) with
// the given payload and page, and decodes the answer.
func (r *runner) call(name toolkit.CapabilityName, payload any, page *toolkit.Page) (*answer, error) {
	doc := r.body(payload, page)
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	out, err := r.dispatch(string(name), body)
	if err != nil {
		return nil, err
	}
	return decodeAnswer(out)
}

// body is the request document: the base with the payload and page.
func (r *runner) body(payload any, page *toolkit.Page) map[string]any {
	doc := make(map[string]any, len(r.base)+2)
	for k, v := range r.base {
		doc[k] = v
	}
	if payload == nil {
		payload = map[string]any{}
	}
	doc["request"] = payload
	if page != nil {
		doc["page"] = page
	}
	return doc
}

// decodeAnswer decodes a response document.
func decodeAnswer(doc []byte) (*answer, error) {
	a := &answer{raw: doc}
	if err := json.Unmarshal(doc, a); err != nil {
		return nil, fmt.Errorf("the answer is not a JSON object: %v: %s", err, oneLine(string(doc), 200))
	}
	return a, nil
}

// decodeObject decodes a JSON object with numbers kept as written.
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	if m == nil {
		return nil, errors.New("null is not an object")
	}
	return m, nil
}

// decodeItems decodes a list payload into its items.
func decodeItems(raw json.RawMessage) ([]map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var items []map[string]any
	if err := dec.Decode(&items); err != nil {
		return nil, fmt.Errorf("response is not a list of objects: %v", err)
	}
	if items == nil {
		return nil, errors.New("response is null, not a list")
	}
	return items, nil
}

// oneLine shortens text to one line of at most n bytes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// str returns m[key] as a string ("" when absent or not a string).
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
