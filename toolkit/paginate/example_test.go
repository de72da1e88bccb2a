package paginate_test

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lumosgo/lumos/toolkit/paginate"
)

// A listing of two phases, the built-in roles (Static) and the users of a
// paged API (Flat), drained three entries at a time. The API here is a
// slice read two users per page; a connector's Fetch calls its upstream
// (e.g. httpclient's GetJSON) and returns paginate.NextLink(resp.Header).
func ExampleLister() {
	users := []string{"ada", "bob", "cy", "dee", "eve"}
	fetch := func(_ context.Context, at string) ([]string, string, error) {
		offset, _ := strconv.Atoi(at)
		end := min(offset+2, len(users))
		next := ""
		if end < len(users) {
			next = strconv.Itoa(end)
		}
		fmt.Println("  GET users?offset=" + at)
		return users[offset:end], next, nil
	}
	listing := &paginate.Lister[string]{
		Scope: "example/list_accounts/acme", // tokens of this capability and tenant only
		Phases: []paginate.Phase[string]{
			paginate.Static[string]{Entries: func(context.Context) ([]string, error) {
				return []string{"role:admin", "role:member"}, nil
			}},
			paginate.Flat[string]{First: "0", Fetch: fetch},
		},
	}
	token := "" // a request's page.token; empty starts the listing
	for {
		page, next, err := listing.Page(context.Background(), token, 3)
		if err != nil {
			fmt.Println(err) // invalid_page_token, the Fetch error, a pagination loop
			return
		}
		fmt.Println(page, "more:", next != "")
		if next == "" {
			break
		}
		token = next // the response's page.token
	}
	// Output:
	//   GET users?offset=0
	// [role:admin role:member ada] more: true
	//   GET users?offset=0
	//   GET users?offset=2
	// [bob cy dee] more: true
	//   GET users?offset=4
	// [eve] more: false
}
