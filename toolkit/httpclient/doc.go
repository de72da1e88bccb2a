// Package httpclient is the HTTP client connectors use to call the API they
// front. It is built on github.com/hashicorp/go-retryablehttp and adds what a
// Lumos connector needs:
//
//   - a User-Agent "lumos/<version> (<app_id>)", a connect timeout and a
//     per-attempt timeout;
//   - retries with exponential backoff and jitter on connection errors and on
//     502/503/504 for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE); a
//     POST or PATCH is retried only when it never reached the server (the
//     connection could not be made), or when the server refused it for rate;
//   - rate limits honoured from Retry-After, X-RateLimit-Remaining/Reset (and
//     Okta's X-Rate-Limit-*), the IETF RateLimit-Remaining/Reset and
//     RateLimit/RateLimit-Policy headers, and GitHub's primary and secondary
//     limits (403 or 429), with every wait capped: past the cap the call fails
//     at once with an *errs.Error of code rate_limit naming the reset time;
//   - failures that reach the error envelope: a non-2xx answer becomes an
//     *errs.HTTPStatusError carrying the status, method, URL, headers and
//     (capped) body, which errs.Describe and errs.HTTPHandler classify;
//   - outbound proxies from HTTPS_PROXY, HTTP_PROXY and NO_PROXY, and the
//     system's CAs (SSL_CERT_FILE, SSL_CERT_DIR), as net/http reads them; a
//     proxy password is registered as a secret of the call, and a proxy's
//     refusal, an unreachable proxy or an untrusted certificate becomes an
//     *errs.Error that names the proxy or the host (see docs/network.md);
//   - the protocol's debugging aids: with include_raw_data every upstream
//     body is recorded with toolkit.AddRawData; with a trace writer
//     (--trace) one line is written per attempt; DEBUG logs go to
//     toolkit.Logger. Nothing is ever written to stderr directly, and neither
//     headers nor secrets in query strings are ever traced or logged.
//
// A handler makes one client for its call:
//
//	c := httpclient.New(ctx, httpclient.Options{
//		AppID:   "github",
//		BaseURL: settings.BaseURL,
//		Auth:    httpclient.Bearer(req.Auth.Token.Token),
//		Header:  http.Header{"Accept": {"application/vnd.github+json"}},
//	})
//	var members []Member
//	resp, err := c.GetJSON(ctx, "/orgs/acme/members?per_page=100", &members)
//	next := paginate.NextLink(resp.Header)
//
// Tests inject a clock through Options.Now and Options.Sleep, so rate-limit
// waits are asserted without sleeping.
package httpclient
