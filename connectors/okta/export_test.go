package okta

import (
	"time"

	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// SetHTTPOptions lets the black-box tests adjust every client (no real
// sleeps on rate limits).
func SetHTTPOptions(f func(*httpclient.Options)) { httpOptions = f }

// SetNow replaces the clock of client assertions.
func SetNow(f func() time.Time) { now = f }
