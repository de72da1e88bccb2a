package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// spending is the budget a request is charged to: its call's (see
// toolkit.WithBudget), else the client's own, so a client used outside a
// dispatched call is bounded too.
func (c *Client) spending(ctx context.Context) *toolkit.Spending {
	if s := toolkit.SpendingOf(ctx); s != nil {
		return s
	}
	return c.spend
}

type pollingKey struct{}

// WithPolling returns ctx marking the GET requests made with it as polls
// (of a job's status, say) that may ask for the same URL any number of
// times in one call: the repeated-URL guard leaves them alone, the call's
// budget still bounds them.
func WithPolling(ctx context.Context) context.Context {
	return context.WithValue(ctx, pollingKey{}, true)
}

// checkGet refuses a GET of a URL the call already fetched MaxSameGET
// times: an upstream sending the call round in circles.
func (c *Client) checkGet(ctx context.Context, method, u string) error {
	if method != http.MethodGet || ctx.Value(pollingKey{}) != nil {
		return nil
	}
	return c.spending(ctx).Get(u, redactURL(u))
}

// budgeted charges every attempt and every byte of every body to the
// call's budget.
type budgeted struct {
	next http.RoundTripper
	c    *Client
}

func (b budgeted) RoundTrip(req *http.Request) (*http.Response, error) {
	s := b.c.spending(req.Context())
	if err := s.Request(); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := b.next.RoundTrip(req)
	if resp != nil {
		b.c.quota.observe(resp.Header)
		b.c.observeAnswer(resp.Header)
	}
	if resp != nil && resp.Body != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, s: s}
	}
	return resp, err
}

// countingBody charges what is read of a body.
type countingBody struct {
	io.ReadCloser
	s *toolkit.Spending
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		if berr := b.s.Read(n); berr != nil {
			return n, berr
		}
	}
	return n, err
}

// isBudget reports whether err is the call's budget running out (never
// worth a retry).
func isBudget(err error) bool {
	var be *toolkit.BudgetError
	return errors.As(err, &be)
}

// brokenConnection reports whether err is a connection closed or reset by
// the other side, before or in the middle of an answer.
func brokenConnection(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}

// connectionError is the api_error of a connection that broke (the code
// upstream uses for connection failures), naming the request.
func connectionError(err error, method, u string) error {
	return errs.Wrap(err, errs.APIError, fmt.Sprintf(
		"The connection to the API broke during %s %s (%s). Please try at a later time due to a potential temporary network issue.",
		method, redactURL(u), causeText(err)))
}

// CheckList checks the entries of an upstream list decoded as []*T from the
// answer to GET page: a null entry, or one that valid rejects (valid may be
// nil), gives an *errs.Error of code invalid_response naming the page (its
// URL with secret query values masked) and the entry's index.
func CheckList[T any](page string, list []*T, valid func(*T) error) error {
	for i, e := range list {
		var why error
		if e == nil {
			why = errors.New("it is null")
		} else if valid != nil {
			why = valid(e)
		}
		if why != nil {
			return errs.Newf(errs.InvalidResponse, "Invalid response from the API: entry %d of the list at %s is not valid: %v.", i, redactURL(page), why)
		}
	}
	return nil
}
