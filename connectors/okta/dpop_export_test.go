package okta

import "crypto/ecdsa"

// OnDPoPKey lets the black-box tests see each ephemeral DPoP key the
// connector makes (nil: stop).
func OnDPoPKey(f func(*ecdsa.PrivateKey)) { onDPoPKey = f }
