package mock

import (
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// DefaultPageSize is the page size when the request gives none.
const DefaultPageSize = 100

// MaxPageSize is the largest page size the mock serves.
const MaxPageSize = 10_000

// cursor is the state a mock page token carries.
type cursor struct {
	Offset int64 `json:"o"`
}

// window resolves the requested page of a listing of total items: the
// half-open range [start, end) to return and the page to announce next (nil
// on the last page).
func window(capability toolkit.CapabilityName, page *toolkit.Page, total int64) (start, end int64, next *toolkit.Page, err error) {
	return windowIn(scopeOf(capability), page, total)
}

// scopeOf is the page token scope of a listing whose pages do not depend on
// its payload.
func scopeOf(capability toolkit.CapabilityName) string { return "mock/" + string(capability) }

// boundScope is the page token scope of a listing whose items depend on its
// payload (filters, actors): the payload's fingerprint is part of it, so a
// token is refused (invalid_page_token) when sent with another payload.
func boundScope(capability toolkit.CapabilityName, payload any) (string, error) {
	fp, err := toolkit.Fingerprint(payload)
	if err != nil {
		return "", err
	}
	return scopeOf(capability) + "/" + fp[:16], nil
}

// windowIn is window with an explicit token scope.
func windowIn(scope string, page *toolkit.Page, total int64) (start, end int64, next *toolkit.Page, err error) {
	size := int64(DefaultPageSize)
	token := ""
	if page != nil {
		if page.Size > 0 { // the toolkit has brought it within 0..MaxPageSize
			size = int64(min(page.Size, MaxPageSize))
		}
		token = page.Token
	}
	if token != "" {
		var c cursor
		if err := pagetoken.Decode(scope, token, &c); err != nil {
			return 0, 0, nil, err
		}
		if c.Offset <= 0 {
			return 0, 0, nil, errs.New(errs.InvalidPageToken, "Invalid page token: it points before the start of the listing.")
		}
		start = c.Offset
	}
	start = min(start, total)
	end = min(start+size, total)
	if end < total {
		t, err := pagetoken.Encode(scope, cursor{Offset: end})
		if err != nil {
			return 0, 0, nil, err
		}
		next = &toolkit.Page{Token: t, Size: int(size)}
	}
	return start, end, next, nil
}
