package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/lws-go/lws-go/lws/jose"
)

// encrypt makes the JWE of plaintext for key: lws's lws_jwe_encrypt (a
// random CEK wrapped, agreed or used directly as alg says, the content
// encrypted with enc), then lws_jwe_render_compact or (flattened)
// lws_jwe_render_flattened. The protected header is {"alg":..,"enc":..}
// as lws writes it (with "epk" for ECDH-ES).
func encrypt(key *jose.Key, alg, enc string, plaintext []byte, flattened bool) (string, error) {
	a, err := jose.KeyAlgorithm(alg)
	if err != nil {
		return "", err
	}
	e, err := jose.ContentEncryption(enc)
	if err != nil {
		return "", err
	}
	if algs := jose.EncryptAlgorithms(key); !slices.Contains(algs, a) {
		return "", fmt.Errorf("%s cannot encrypt to this key (%s, alg %q); it takes %v", alg, key.Describe(), key.Algorithm, algs)
	}
	if err := key.PermitsJWE(a, e, true); err != nil {
		return "", err
	}
	// go-jose encrypts to the public part; given the bare key (not the
	// JWK) it writes no "kid".
	to := key.Key
	if !key.Symmetric() {
		to = key.JSONWebKey.Public().Key
	}
	encrypter, err := gojose.NewEncrypter(e, gojose.Recipient{Algorithm: a, Key: to}, nil)
	if err != nil {
		return "", fmt.Errorf("%s %s with this key (%s): %w", alg, enc, key.Describe(), err)
	}
	obj, err := encrypter.Encrypt(plaintext)
	if err != nil {
		return "", err
	}
	if flattened {
		// One recipient: go-jose's full serialization is the flattened form.
		return obj.FullSerialize(), nil
	}
	return obj.CompactSerialize()
}

// decrypt authenticates and decrypts the JWE in input with key: lws's
// lws_jws_compact_decode or (flattened) lws_jwe_json_parse, then
// lws_jwe_auth_and_decrypt. The header's "alg" must be one key can
// decrypt (jose.DecryptAlgorithms: its type, size and "alg"), and "enc"
// one of lws's table. It returns the plaintext and both algorithms.
func decrypt(key *jose.Key, input []byte, flattened bool) ([]byte, string, string, error) {
	algs := jose.DecryptAlgorithms(key)
	if len(algs) == 0 {
		return nil, "", "", fmt.Errorf("this key (%s, alg %q) decrypts no JWE: decrypting needs the private key", key.Describe(), key.Algorithm)
	}
	text := string(bytes.TrimSpace(input))
	var obj *gojose.JSONWebEncryption
	var err error
	if flattened {
		obj, err = gojose.ParseEncryptedJSON(text, algs, jose.ContentEncryptions)
	} else {
		obj, err = gojose.ParseEncryptedCompact(text, algs, jose.ContentEncryptions)
	}
	if err != nil {
		return nil, "", "", err
	}
	alg := obj.Header.Algorithm
	enc, _ := obj.Header.ExtraHeaders["enc"].(string) // checked by the parser
	if err := key.PermitsJWE(gojose.KeyAlgorithm(alg), gojose.ContentEncryption(enc), false); err != nil {
		return nil, "", "", err
	}
	plain, err := obj.Decrypt(key.Key)
	if err != nil {
		if errors.Is(err, gojose.ErrCryptoFailure) {
			return nil, "", "", fmt.Errorf("%s %s: authentication failed (wrong key, or the JWE was changed)", alg, enc)
		}
		return nil, "", "", err
	}
	return plain, alg, enc, nil
}
