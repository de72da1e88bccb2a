package paginate

import (
	"context"

	"github.com/lumosgo/lumos/toolkit"
)

// Serve answers one Lumos page of the listing: the entries of the page p
// asks for (nil p: the first page) and the page to ask for next, nil after
// the last. The page size is p's, or defaultSize when p gives none (the
// toolkit has already clamped it to the connector's maximum); PerPage, when
// set, is capped at it, so a small Lumos page asks upstream for no more
// than it needs. The entries are never nil: an empty listing is [].
func (l Lister[E]) Serve(ctx context.Context, p *toolkit.Page, defaultSize int) ([]E, *toolkit.Page, error) {
	size, token := defaultSize, ""
	if p != nil {
		token = p.Token
		if p.Size > 0 {
			size = p.Size
		}
	}
	if l.PerPage > 0 {
		l.PerPage = min(l.PerPage, size)
	}
	entries, next, err := l.Page(ctx, token, size)
	if err != nil {
		return nil, nil, err
	}
	if entries == nil {
		entries = []E{}
	}
	if next == "" {
		return entries, nil, nil
	}
	return entries, &toolkit.Page{Token: next, Size: size}, nil
}
