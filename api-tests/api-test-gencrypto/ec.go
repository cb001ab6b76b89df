package main

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// jwkEC1 is lws's EC test key, RFC 7517 appendix A.2's P-256 private key.
const jwkEC1 = `{"kty":"EC",` +
	`"crv":"P-256",` +
	`"x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",` +
	`"y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",` +
	`"d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE",` +
	`"use":"enc",` +
	`"kid":"rfc7517-A.2-example private key"}`

// testGenEC is lws's test_genec1 on crypto/ecdh: a new P-256 key pair,
// then the JWK imported as "our" key; here also checked (its d must give
// its x and y) and used: both sides of an agreement must agree.
func testGenEC() error {
	ours, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("new keypair: %w", err)
	}
	var jwk struct{ Kty, Crv, X, Y, D string }
	if err := json.Unmarshal([]byte(jwkEC1), &jwk); err != nil {
		return fmt.Errorf("failed to decode JWK test key: %w", err)
	}
	if jwk.Kty != "EC" || jwk.Crv != "P-256" {
		return fmt.Errorf("jwk is not a P-256 EC key")
	}
	el := map[string][]byte{}
	for name, v := range map[string]string{"x": jwk.X, "y": jwk.Y, "d": jwk.D} {
		if el[name], err = base64.RawURLEncoding.DecodeString(v); err != nil {
			return fmt.Errorf("jwk %s: %w", name, err)
		}
	}
	theirs, err := ecdh.P256().NewPrivateKey(el["d"])
	if err != nil {
		return fmt.Errorf("set key: %w", err)
	}
	pub := append(append([]byte{4}, el["x"]...), el["y"]...) // uncompressed point
	if !bytes.Equal(theirs.PublicKey().Bytes(), pub) {
		return fmt.Errorf("the JWK's d does not give its x, y")
	}
	a, err := ours.ECDH(theirs.PublicKey())
	if err != nil {
		return err
	}
	b, err := theirs.ECDH(ours.PublicKey())
	if err != nil {
		return err
	}
	if !bytes.Equal(a, b) || len(a) != 32 {
		return fmt.Errorf("the two sides of the agreement differ")
	}
	return nil
}
