package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"math/big"
)

// testGenRSA is lws's test_genrsa on crypto/rsa: its fixed key's PKCS #1
// v1.5 "private encrypt" (a raw type 1 signature, deterministic) must give
// lws's bytes and "public decrypt" must give the plaintext back; then a new
// 2048-bit key round-trips both ways.
func testGenRSA() error {
	n := new(big.Int).SetBytes(h("genrsa_fixed_n"))
	key := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: n, E: int(new(big.Int).SetBytes(h("genrsa_fixed_e")).Int64())},
		D:         new(big.Int).SetBytes(h("genrsa_fixed_d")),
		Primes:    []*big.Int{new(big.Int).SetBytes(h("genrsa_fixed_p")), new(big.Int).SetBytes(h("genrsa_fixed_q"))},
	}
	if err := key.Validate(); err != nil {
		return fmt.Errorf("fixed key: %w", err)
	}
	key.Precompute()
	plain := h("genrsa_fixed_plain")
	plain = plain[:len(plain)-1] // lws passes sizeof - 1
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.Hash(0), plain)
	if err != nil {
		return fmt.Errorf("private encrypt: %w", err)
	}
	if !bytes.Equal(sig, h("genrsa_expected_priv_enc")) {
		return fmt.Errorf("private encrypt mismatch: %x", sig[:16])
	}
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.Hash(0), plain, h("genrsa_expected_priv_enc")); err != nil {
		return fmt.Errorf("public decrypt: %w", err)
	}

	fresh, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("new keypair: %w", err)
	}
	privPlain, pubPlain := []byte("private encrypt roundtrip"), []byte("public encrypt roundtrip")
	sig, err = rsa.SignPKCS1v15(nil, fresh, crypto.Hash(0), privPlain)
	if err != nil {
		return err
	}
	if err := rsa.VerifyPKCS1v15(&fresh.PublicKey, crypto.Hash(0), privPlain, sig); err != nil {
		return fmt.Errorf("private->public roundtrip mismatch: %w", err)
	}
	// lws's LGRSAM_PKCS1_1_5 public encrypt; deprecated in Go for good
	// reason (use OAEP), kept here because it is what lws's test checks
	//lint:ignore SA1019 lws's round trip is of this padding
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, &fresh.PublicKey, pubPlain)
	if err != nil {
		return err
	}
	//lint:ignore SA1019 lws's round trip is of this padding
	back, err := rsa.DecryptPKCS1v15(nil, fresh, ct)
	if err != nil || !bytes.Equal(back, pubPlain) {
		return fmt.Errorf("public->private roundtrip mismatch: %v", err)
	}
	return nil
}
