package jose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	gojose "github.com/go-jose/go-jose/v4"
)

// None is the "alg" of an unsecured JWS (RFC 7515 6, RFC 7518 3.6), the
// first entry of lws's JWS algorithm table.
const None = "none"

// SignatureAlgorithms are the JWS algorithms of lws's table
// (lws_gencrypto_jws_alg_to_definition), "none" aside.
var SignatureAlgorithms = []gojose.SignatureAlgorithm{
	gojose.HS256, gojose.HS384, gojose.HS512,
	gojose.RS256, gojose.RS384, gojose.RS512,
	gojose.ES256, gojose.ES384, gojose.ES512,
	gojose.PS256, gojose.PS384, gojose.PS512,
	gojose.EdDSA,
}

// KeyAlgorithms are the JWE key management algorithms of lws's table
// (lws_gencrypto_jwe_alg_to_definition).
var KeyAlgorithms = []gojose.KeyAlgorithm{
	gojose.RSA1_5, gojose.RSA_OAEP, gojose.RSA_OAEP_256,
	gojose.A128KW, gojose.A192KW, gojose.A256KW,
	gojose.DIRECT,
	gojose.ECDH_ES, gojose.ECDH_ES_A128KW, gojose.ECDH_ES_A192KW, gojose.ECDH_ES_A256KW,
	gojose.A128GCMKW, gojose.A192GCMKW, gojose.A256GCMKW,
}

// ContentEncryptions are the JWE content encryption algorithms of lws's
// table (lws_gencrypto_jwe_enc_to_definition).
var ContentEncryptions = []gojose.ContentEncryption{
	gojose.A128CBC_HS256, gojose.A192CBC_HS384, gojose.A256CBC_HS512,
	gojose.A128GCM, gojose.A192GCM, gojose.A256GCM,
}

// SignatureAlgorithm finds a JWS algorithm by name:
// lws_gencrypto_jws_alg_to_definition. "none" is not one: an unsecured
// JWS is made with Unsecured, on purpose.
func SignatureAlgorithm(name string) (gojose.SignatureAlgorithm, error) {
	if i := slices.Index(SignatureAlgorithms, gojose.SignatureAlgorithm(name)); i >= 0 {
		return SignatureAlgorithms[i], nil
	}
	return "", fmt.Errorf("unknown JWS algorithm %q (%s, %s)", name, joinNames(SignatureAlgorithms), None)
}

// KeyAlgorithm finds a JWE key management algorithm by name:
// lws_gencrypto_jwe_alg_to_definition.
func KeyAlgorithm(name string) (gojose.KeyAlgorithm, error) {
	if i := slices.Index(KeyAlgorithms, gojose.KeyAlgorithm(name)); i >= 0 {
		return KeyAlgorithms[i], nil
	}
	return "", fmt.Errorf("unknown JWE key algorithm %q (%s)", name, joinNames(KeyAlgorithms))
}

// ContentEncryption finds a JWE content encryption algorithm by name:
// lws_gencrypto_jwe_enc_to_definition.
func ContentEncryption(name string) (gojose.ContentEncryption, error) {
	if i := slices.Index(ContentEncryptions, gojose.ContentEncryption(name)); i >= 0 {
		return ContentEncryptions[i], nil
	}
	return "", fmt.Errorf("unknown JWE content encryption %q (%s)", name, joinNames(ContentEncryptions))
}

func joinNames[T ~string](names []T) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	return strings.Join(s, ", ")
}

// VerifyAlgorithms are the JWS algorithms a signature checked with k may
// use: those of its key type (and curve), narrowed to its "alg" when it
// has one, and never "none". go-jose's parsers take this list; lws's
// lws_jws_sig_confirm makes the same checks as it goes (the header's alg
// must fit the key, and "none" is refused).
func VerifyAlgorithms(k *Key) []gojose.SignatureAlgorithm {
	var algs []gojose.SignatureAlgorithm
	switch key := k.Key.(type) {
	case []byte:
		algs = hmacAlgs
	case *rsa.PrivateKey, *rsa.PublicKey:
		algs = rsaAlgs
	case *ecdsa.PrivateKey:
		algs = ecdsaAlgs[key.Curve.Params().Name]
	case *ecdsa.PublicKey:
		algs = ecdsaAlgs[key.Curve.Params().Name]
	case ed25519.PrivateKey, ed25519.PublicKey:
		algs = eddsaAlgs
	}
	if k.Algorithm != "" {
		// A copy: the lists above are shared.
		algs = slices.DeleteFunc(slices.Clone(algs), func(a gojose.SignatureAlgorithm) bool { return string(a) != k.Algorithm })
	}
	return algs
}

// The JWS algorithms of each key type; read only.
var (
	hmacAlgs  = []gojose.SignatureAlgorithm{gojose.HS256, gojose.HS384, gojose.HS512}
	rsaAlgs   = []gojose.SignatureAlgorithm{gojose.RS256, gojose.RS384, gojose.RS512, gojose.PS256, gojose.PS384, gojose.PS512}
	eddsaAlgs = []gojose.SignatureAlgorithm{gojose.EdDSA}
	ecdsaAlgs = map[string][]gojose.SignatureAlgorithm{
		"P-256": {gojose.ES256}, "P-384": {gojose.ES384}, "P-521": {gojose.ES512},
	}
)

// DecryptAlgorithms are the JWE key management algorithms a JWE decrypted
// with k may use: RSA1_5 and RSA-OAEP* for an RSA private key, ECDH-ES*
// for an EC private key, "dir" and the key wraps of its size for an oct
// key; narrowed by its "alg" when it has one. lws's
// lws_jwe_auth_and_decrypt makes the same check as it goes.
func DecryptAlgorithms(k *Key) []gojose.KeyAlgorithm {
	if !k.IsPrivate() {
		return nil
	}
	return jweAlgorithms(k)
}

// EncryptAlgorithms are the JWE key management algorithms that can
// encrypt to k: as DecryptAlgorithms, the public key being enough. An
// AES key wrap must have a key of its own size (RFC 7518 4.4, 4.7), which
// go-jose does not check.
func EncryptAlgorithms(k *Key) []gojose.KeyAlgorithm { return jweAlgorithms(k) }

func jweAlgorithms(k *Key) []gojose.KeyAlgorithm {
	var algs []gojose.KeyAlgorithm
	switch key := k.Key.(type) {
	case []byte:
		algs = []gojose.KeyAlgorithm{gojose.DIRECT}
		switch len(key) {
		case 16:
			algs = append(algs, gojose.A128KW, gojose.A128GCMKW)
		case 24:
			algs = append(algs, gojose.A192KW, gojose.A192GCMKW)
		case 32:
			algs = append(algs, gojose.A256KW, gojose.A256GCMKW)
		}
	case *rsa.PrivateKey, *rsa.PublicKey:
		algs = []gojose.KeyAlgorithm{gojose.RSA1_5, gojose.RSA_OAEP, gojose.RSA_OAEP_256}
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		algs = []gojose.KeyAlgorithm{gojose.ECDH_ES, gojose.ECDH_ES_A128KW, gojose.ECDH_ES_A192KW, gojose.ECDH_ES_A256KW}
	}
	switch {
	case k.Algorithm == "":
	case slices.Contains(ContentEncryptions, gojose.ContentEncryption(k.Algorithm)):
		// An oct key whose "alg" is a content encryption (RFC 7520 5.6)
		// is a CEK: it is used directly.
		algs = slices.DeleteFunc(algs, func(a gojose.KeyAlgorithm) bool { return a != gojose.DIRECT })
	default:
		algs = slices.DeleteFunc(algs, func(a gojose.KeyAlgorithm) bool { return string(a) != k.Algorithm })
	}
	return algs
}

// PermitsJWE (lws_jwe_encrypt and lws_jwe_auth_and_decrypt do not look
// at key metadata; RFC 7517 4.2-4.4 ask for it) checks the key's metadata for a JWE with algorithms alg and
// enc, encrypting or decrypting: "use" must be "enc", "key_ops" must list
// the operation (KeyOp), and the key's "alg" must be alg, or enc for a
// key used directly as the CEK ("dir").
func (k *Key) PermitsJWE(alg gojose.KeyAlgorithm, enc gojose.ContentEncryption, encrypt bool) error {
	name := string(alg)
	if alg == gojose.DIRECT && slices.Contains(ContentEncryptions, gojose.ContentEncryption(k.Algorithm)) {
		name = string(enc)
	}
	return k.Permits(KeyOp(alg, encrypt), name)
}

// KeyOp (for PermitsJWE; lws has no counterpart) is the RFC 7517 4.3
// operation a JWE key management algorithm
// does with the recipient's key, encrypting or decrypting: "encrypt" /
// "decrypt" for "dir", "wrapKey" / "unwrapKey" for RSA and AES key wrap,
// "deriveKey" for decrypting with ECDH-ES (encrypting with ECDH-ES uses
// the public key in a derivation, an operation key_ops has no name for:
// "").
func KeyOp(alg gojose.KeyAlgorithm, encrypt bool) string {
	switch {
	case alg == gojose.DIRECT && encrypt:
		return "encrypt"
	case alg == gojose.DIRECT:
		return "decrypt"
	case strings.HasPrefix(string(alg), "ECDH-ES") && encrypt:
		return ""
	case strings.HasPrefix(string(alg), "ECDH-ES"):
		return "deriveKey"
	case encrypt:
		return "wrapKey"
	}
	return "unwrapKey"
}

// Unsecured is an unsecured JWS of payload (RFC 7515 6, the "alg" "none"
// of RFC 7518 3.6): its header {"alg":"none"}, the payload and an empty
// signature, compact ("header.payload.") or flattened JSON. It is what
// lws_jws_sign_from_b64 and lws_jws_write_compact /
// lws_jws_write_flattened_json produce for "none"; go-jose cannot make
// one. Nothing verifies it: VerifyAlgorithms never includes "none".
func Unsecured(payload []byte, flattened bool) string {
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`))
	pl := base64.RawURLEncoding.EncodeToString(payload)
	if !flattened {
		return hdr + "." + pl + "."
	}
	b, _ := json.Marshal(struct {
		Payload   string `json:"payload"`
		Protected string `json:"protected"`
		Signature string `json:"signature"`
	}{pl, hdr, ""})
	return string(b)
}
