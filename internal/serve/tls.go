package serve

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// tlsState holds the server's certificate and the client CA pool, read
// from files and read again when the files change or on Reload.
type tlsState struct {
	cert, key, clientCA string

	mu     sync.Mutex
	config *tls.Config // what a new connection gets
	stamp  string      // the files' sizes and modification times when last read
}

func newTLSState(cert, key, clientCA string) (*tlsState, error) {
	if cert == "" || key == "" {
		return nil, errors.New("TLS needs both --tls-cert and --tls-key")
	}
	t := &tlsState{cert: cert, key: key, clientCA: clientCA}
	if err := t.reload(); err != nil {
		return nil, err
	}
	return t, nil
}

// reload reads the files; on failure the previous configuration stays.
func (t *tlsState) reload() error {
	stamp := t.filesStamp()
	pair, err := tls.LoadX509KeyPair(t.cert, t.key)
	if err != nil {
		return fmt.Errorf("loading the TLS certificate: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	if t.clientCA != "" {
		pem, err := os.ReadFile(t.clientCA)
		if err != nil {
			return fmt.Errorf("reading the client CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("the client CA file %s holds no PEM certificate", t.clientCA)
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	t.mu.Lock()
	t.config, t.stamp = cfg, stamp
	t.mu.Unlock()
	return nil
}

func (t *tlsState) configForClient(*tls.ClientHelloInfo) (*tls.Config, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.config, nil
}

// filesStamp sums up the files' sizes and modification times.
func (t *tlsState) filesStamp() string {
	var s string
	for _, p := range []string{t.cert, t.key, t.clientCA} {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil {
			s += fmt.Sprintf("%d/%d;", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return s
}

// watch reloads the files whenever they change, checking every period,
// until ctx is done or the returned function is called.
func (t *tlsState) watch(ctx context.Context, period time.Duration) func() {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			t.mu.Lock()
			changed := t.filesStamp() != t.stamp
			t.mu.Unlock()
			if changed {
				_ = t.reload() // a half-written pair fails and is tried again on the next tick
			}
		}
	}()
	return cancel
}
