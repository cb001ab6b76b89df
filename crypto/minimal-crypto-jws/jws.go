package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/lws-go/lws-go/lws/jose"
)

// sign makes the JWS of payload with key and alg: lws's
// lws_jws_sign_from_b64, then lws_jws_write_compact or (flattened)
// lws_jws_write_flattened_json. The protected header is {"alg":"<alg>"},
// as lws writes it. "none" makes an unsecured JWS, only when asked for
// by name.
func sign(key *jose.Key, alg string, payload []byte, flattened bool) (string, error) {
	if alg == jose.None {
		return jose.Unsecured(payload, flattened), nil
	}
	a, err := jose.SignatureAlgorithm(alg)
	if err != nil {
		return "", err
	}
	if err := signingKey(key, a); err != nil {
		return "", err
	}
	// go-jose signs; given the bare key (not the JWK) it writes no "kid".
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: a, Key: key.Key}, nil)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	if flattened {
		// One signature: go-jose's full serialization is the flattened form.
		return obj.FullSerialize(), nil
	}
	return obj.CompactSerialize()
}

// signingKey checks that key can make alg signatures: the private part of
// a key of the algorithm's type, and metadata (use, key_ops, alg) that
// allows it.
func signingKey(key *jose.Key, alg gojose.SignatureAlgorithm) error {
	if !key.IsPrivate() {
		return errors.New("signing needs the private key; -k holds only the public one")
	}
	if algs := jose.VerifyAlgorithms(key); !slices.Contains(algs, alg) {
		return fmt.Errorf("%s cannot be made with this key (%s); it makes %v", alg, key.Describe(), algs)
	}
	return key.Permits("sign", string(alg))
}

// verify checks the JWS in input with key and returns its payload and
// algorithm: lws's lws_jws_sig_confirm_compact_b64 or (flattened)
// lws_jws_sig_confirm_json. The header's "alg" must be one the key can
// have made (jose.VerifyAlgorithms: its type, curve and "alg"), so "none"
// and an HMAC made with a public key as secret are refused before any
// crypto runs.
func verify(key *jose.Key, input []byte, flattened bool) ([]byte, string, error) {
	algs := jose.VerifyAlgorithms(key)
	if len(algs) == 0 {
		return nil, "", fmt.Errorf("this key (%s, alg %q) verifies no JWS algorithm", key.Describe(), key.Algorithm)
	}
	text := string(bytes.TrimSpace(input))
	var obj *gojose.JSONWebSignature
	var err error
	if flattened {
		obj, err = gojose.ParseSignedJSON(text, algs)
	} else {
		obj, err = gojose.ParseSignedCompact(text, algs)
	}
	if err != nil {
		return nil, "", err
	}
	if len(obj.Signatures) != 1 {
		return nil, "", fmt.Errorf("%d signatures; the flattened form has one", len(obj.Signatures))
	}
	alg := obj.Signatures[0].Header.Algorithm
	if err := key.Permits("verify", alg); err != nil {
		return nil, "", err
	}
	payload, err := obj.Verify(verifyingKey(key))
	if err != nil {
		return nil, "", err
	}
	return payload, alg, nil
}

// verifyingKey is what go-jose verifies with: the public part of an
// asymmetric key, the secret of an oct key.
func verifyingKey(key *jose.Key) any {
	if key.Symmetric() {
		return key.Key
	}
	return key.JSONWebKey.Public().Key
}
