package main

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// jwkCase is one of lws's JWK imports (RFC 7517 appendices) and what it
// must hold.
type jwkCase struct {
	name  string
	json  string
	kinds []string // the Go type of each key, in order
}

var jwkCases = []jwkCase{
	{"A.1 public keys", v["jwk_ex_a1_jwk_json"], []string{"*ecdsa.PublicKey", "*rsa.PublicKey"}},
	{"A.2 private keys", v["jwk_ex_a2_jwk_json"], []string{"*ecdsa.PrivateKey", "*rsa.PrivateKey"}},
	{"A.3 symmetric keys", v["jwk_ex_a3_jwk_json"], []string{"[]uint8", "[]uint8"}},
	{"B x509 chain", v["jwk_ex_b_jwk_json"], []string{"*rsa.PublicKey"}},
	{"C.1 private key", v["jwk_ex_c1_jwk_json"], []string{"*rsa.PrivateKey"}},
}

// run imports the key or key set, checks the key types, that private
// keys are consistent, and that an export imports back to the same key.
func (c jwkCase) run() error {
	var keys []jose.JSONWebKey
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(c.json), &set); err == nil && len(set.Keys) > 0 {
		keys = set.Keys
	} else {
		var k jose.JSONWebKey
		if err := json.Unmarshal([]byte(c.json), &k); err != nil {
			return fmt.Errorf("%s: import: %w", c.name, err)
		}
		keys = []jose.JSONWebKey{k}
	}
	if len(keys) != len(c.kinds) {
		return fmt.Errorf("%s: %d keys, expected %d", c.name, len(keys), len(c.kinds))
	}
	for i, k := range keys {
		if got := fmt.Sprintf("%T", k.Key); got != c.kinds[i] {
			return fmt.Errorf("%s: key %d is %s, expected %s", c.name, i, got, c.kinds[i])
		}
		switch pk := k.Key.(type) {
		case *rsa.PrivateKey:
			if err := pk.Validate(); err != nil {
				return fmt.Errorf("%s: key %d: %w", c.name, i, err)
			}
		case *ecdsa.PrivateKey:
			if _, err := pk.ECDH(); err != nil { // d must be a valid scalar of its curve
				return fmt.Errorf("%s: key %d: %w", c.name, i, err)
			}
		}
		out, err := json.Marshal(k)
		if err != nil {
			return fmt.Errorf("%s: export key %d: %w", c.name, i, err)
		}
		var back jose.JSONWebKey
		if err := json.Unmarshal(out, &back); err != nil {
			return fmt.Errorf("%s: re-import key %d: %w", c.name, i, err)
		}
		if secret, ok := k.Key.([]byte); ok {
			// go-jose has no thumbprint for oct keys: compare the bytes
			if b, _ := back.Key.([]byte); string(b) != string(secret) || len(secret) == 0 {
				return fmt.Errorf("%s: key %d changed on export", c.name, i)
			}
			continue
		}
		t1, err1 := k.Thumbprint(cryptoSHA256)
		t2, err2 := back.Thumbprint(cryptoSHA256)
		if err1 != nil || err2 != nil || string(t1) != string(t2) {
			return fmt.Errorf("%s: key %d changed on export: %v %v", c.name, i, err1, err2)
		}
	}
	return nil
}
