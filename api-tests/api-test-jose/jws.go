package main

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

const cryptoSHA256 = crypto.SHA256

var b64 = base64.RawURLEncoding

func key(name string) (*jose.JSONWebKey, error) {
	var k jose.JSONWebKey
	if err := json.Unmarshal([]byte(v[name]), &k); err != nil {
		return nil, fmt.Errorf("failed to decode JWK %s: %w", name, err)
	}
	return &k, nil
}

// compactParts splits a compact serialisation and decodes its header and
// payload.
func compactParts(cser string) (hdr, payload []byte, sig string, err error) {
	p := strings.Split(cser, ".")
	if len(p) == 2 {
		p = append(p, "") // unsecured (alg none): no signature section
	}
	if len(p) != 3 {
		return nil, nil, "", fmt.Errorf("%d sections, expected 3", len(p))
	}
	if hdr, err = b64.DecodeString(p[0]); err != nil {
		return nil, nil, "", err
	}
	if payload, err = b64.DecodeString(p[1]); err != nil {
		return nil, nil, "", err
	}
	return hdr, payload, p[2], nil
}

// verifyCompact checks that go-jose verifies cser with the key and that
// header and payload are lws's.
func verifyCompact(name, cser string, alg jose.SignatureAlgorithm, k any, wantHdr, wantPayload string) error {
	hdr, payload, _, err := compactParts(cser)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if string(hdr) != wantHdr || string(payload) != wantPayload {
		return fmt.Errorf("%s: decoded header %q payload %q", name, hdr, payload)
	}
	jws, err := jose.ParseSignedCompact(cser, []jose.SignatureAlgorithm{alg})
	if err != nil {
		return fmt.Errorf("%s: parse: %w", name, err)
	}
	got, err := jws.Verify(k)
	if err != nil {
		return fmt.Errorf("%s: signature: %w", name, err)
	}
	if !bytes.Equal(got, []byte(wantPayload)) {
		return fmt.Errorf("%s: verified payload %q", name, got)
	}
	return nil
}

// signAndVerify signs a payload afresh with go-jose and verifies it.
func signAndVerify(name string, alg jose.SignatureAlgorithm, priv, pub any, payload []byte, opts *jose.SignerOptions) (string, error) {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: priv}, opts)
	if err != nil {
		return "", fmt.Errorf("%s: signer: %w", name, err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("%s: sign: %w", name, err)
	}
	cser, err := obj.CompactSerialize()
	if err != nil {
		return "", err
	}
	parsed, err := jose.ParseSignedCompact(cser, []jose.SignatureAlgorithm{alg})
	if err != nil {
		return "", fmt.Errorf("%s: parse own: %w", name, err)
	}
	if got, err := parsed.Verify(pub); err != nil || !bytes.Equal(got, payload) {
		return "", fmt.Errorf("%s: own signature: %v", name, err)
	}
	return cser, nil
}

var jwsTests = []struct {
	name string
	fn   func() error
}{
	{"none (RFC 7515 A.5)", func() error {
		hdr, payload, _, err := compactParts(v["none_cser"])
		if err != nil {
			return err
		}
		if string(hdr) != v["none_jose"] || string(payload) != v["none_payload"] {
			return fmt.Errorf("decoded %q %q", hdr, payload)
		}
		// an unsecured JWS is never accepted as signed
		if _, err := jose.ParseSignedCompact(v["none_cser"], []jose.SignatureAlgorithm{jose.HS256, jose.RS256, jose.ES256}); err == nil {
			return fmt.Errorf("alg none was accepted")
		}
		return nil
	}},
	{"HS256 (RFC 7515 A.1)", func() error {
		// lws's steps: encode the two sections, HMAC them with the oct
		// key, and the signature must be the RFC's
		k, err := key("key_jwk")
		if err != nil {
			return err
		}
		secret, ok := k.Key.([]byte)
		if !ok {
			return fmt.Errorf("unexpected kty %T", k.Key)
		}
		if b64.EncodeToString([]byte(v["test1"])) != v["test1_enc"] || b64.EncodeToString([]byte(v["test2"])) != v["test2_enc"] {
			return fmt.Errorf("section encoding differs")
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(v["test1_enc"] + "." + v["test2_enc"]))
		if got := b64.EncodeToString(mac.Sum(nil)); got != v["hash_enc"] {
			return fmt.Errorf("hmac %s, expected %s", got, v["hash_enc"])
		}
		return verifyCompact("HS256", v["test1_enc"]+"."+v["test2_enc"]+"."+v["hash_enc"], jose.HS256, secret, v["test1"], v["test2"])
	}},
	{"RS256 (RFC 7515 A.2)", func() error {
		k, err := key("rfc7515_rsa_key")
		if err != nil {
			return err
		}
		priv := k.Key.(*rsa.PrivateKey)
		cser := v["rfc7515_rsa_a1"]
		if err := verifyCompact("RS256", cser, jose.RS256, &priv.PublicKey, `{"alg":"RS256"}`, v["test2"]); err != nil {
			return err
		}
		// PKCS #1 v1.5 is deterministic: signing again gives the RFC's bytes
		i := strings.LastIndexByte(cser, '.')
		h := sha256.Sum256([]byte(cser[:i]))
		sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, h[:])
		if err != nil || b64.EncodeToString(sig) != cser[i+1:] {
			return fmt.Errorf("re-signing differs: %v", err)
		}
		_, err = signAndVerify("RS256", jose.RS256, priv, &priv.PublicKey, []byte(v["test2"]), nil)
		return err
	}},
	{"ES256 (RFC 7515 A.3)", func() error {
		k, err := key("es256_jwk")
		if err != nil {
			return err
		}
		if err := verifyCompact("ES256", v["es256_cser"], jose.ES256, k.Public().Key, v["es256_jose"], v["es256_payload"]); err != nil {
			return err
		}
		_, err = signAndVerify("ES256", jose.ES256, k.Key, k.Public().Key, []byte(v["es256_payload"]), nil)
		return err
	}},
	{"ES512 (RFC 7515 A.4)", func() error {
		k, err := key("es512_jwk")
		if err != nil {
			return err
		}
		if err := verifyCompact("ES512", v["es512_cser"], jose.ES512, k.Public().Key, v["es512_jose"], v["es512_payload"]); err != nil {
			return err
		}
		_, err = signAndVerify("ES512", jose.ES512, k.Key, k.Public().Key, []byte(v["es512_payload"]), nil)
		return err
	}},
	{"EdDSA (RFC 8037 A.4)", func() error {
		k, err := key("eddsa_jwk")
		if err != nil {
			return err
		}
		if err := verifyCompact("EdDSA", v["eddsa_cser"], jose.EdDSA, k.Public().Key, v["eddsa_jose"], v["eddsa_payload"]); err != nil {
			return err
		}
		// Ed25519 is deterministic: go-jose's own signature is the RFC's
		cser, err := signAndVerify("EdDSA", jose.EdDSA, k.Key, k.Public().Key, []byte(v["eddsa_payload"]), nil)
		if err != nil {
			return err
		}
		if cser != v["eddsa_cser"] {
			return fmt.Errorf("signature differs from RFC 8037's: %s", cser)
		}
		return nil
	}},
	{"JWT RS256 with x5t", func() error {
		// lws's test_jwt_RS256: a JWT signed with a PEM key, its header
		// naming the certificate by SHA-1 thumbprint
		cb, _ := pem.Decode([]byte(v["rsa_cert"]))
		kb, _ := pem.Decode([]byte(v["rsa_key"]))
		if cb == nil || kb == nil {
			return fmt.Errorf("PEM decode failed")
		}
		cert, err := x509.ParseCertificate(cb.Bytes)
		if err != nil {
			return err
		}
		pk, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
		if err != nil {
			return err
		}
		x5t := sha1.Sum(cert.Raw)
		opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("x5t", b64.EncodeToString(x5t[:]))
		cser, err := signAndVerify("JWT", jose.RS256, pk, cert.PublicKey, []byte(`{"sub":"lws","aud":"test"}`), opts)
		if err != nil {
			return err
		}
		hdr, _, _, err := compactParts(cser)
		if err != nil || !strings.Contains(string(hdr), `"x5t":"`+b64.EncodeToString(x5t[:])+`"`) {
			return fmt.Errorf("header %s lacks the x5t: %v", hdr, err)
		}
		return nil
	}},
}
