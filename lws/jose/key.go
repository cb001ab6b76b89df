package jose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	gojose "github.com/go-jose/go-jose/v4"
)

// Key is a JWK with all of lws's metadata: lws's struct lws_jwk. The key
// material, "kid", "use" and "alg" are go-jose's JSONWebKey; "key_ops",
// which go-jose drops, is KeyOps.
type Key struct {
	gojose.JSONWebKey
	KeyOps []string
}

// Key types as lws's tools name them (-t): lws's enum lws_gencrypto_kty.
const (
	KtyRSA = "RSA"
	KtyEC  = "EC"
	KtyOct = "OCT"
)

// Key size bounds (lws_jwk_generate's -b). RSA below 2048 bits is refused (RFC 7518 3.3 and 4.2
// require at least that); above 4096 neither lws's algorithm table nor
// go-jose (MaxRSAModulusBits) takes the key.
const (
	MinRSABits = 2048
	MaxRSABits = 4096
	MaxOctBits = 8192
)

// curves are the EC curves lws generates and imports, by JWK name.
var curves = map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}

// Generate makes a random key: lws_jwk_generate. bits is the RSA modulus
// or oct key size; an EC key's size comes from its curve ("P-256",
// "P-384" or "P-521").
func Generate(kty string, bits int, curve string) (*Key, error) {
	var k crypto.PrivateKey
	switch kty {
	case KtyRSA:
		if bits < MinRSABits || bits > MaxRSABits {
			return nil, fmt.Errorf("jwk generate: RSA key of %d bits: want %d to %d", bits, MinRSABits, MaxRSABits)
		}
		rk, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("jwk generate: %w", err)
		}
		k = rk
	case KtyEC:
		c, ok := curves[curve]
		if !ok {
			return nil, fmt.Errorf("jwk generate: unknown curve %q (P-256, P-384 or P-521)", curve)
		}
		ek, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("jwk generate: %w", err)
		}
		k = ek
	case KtyOct:
		if bits <= 0 || bits%8 != 0 || bits > MaxOctBits {
			return nil, fmt.Errorf("jwk generate: oct key of %d bits: want a multiple of 8 up to %d", bits, MaxOctBits)
		}
		b := make([]byte, bits/8)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("jwk generate: %w", err)
		}
		k = b
	default:
		return nil, fmt.Errorf("jwk generate: unknown key type %q (must be OCT, RSA or EC)", kty)
	}
	return &Key{JSONWebKey: gojose.JSONWebKey{Key: k}}, nil
}

// keyOps are RFC 7517 4.3's "key_ops" values.
var keyOps = []string{"sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"}

// publicOps are the operations the public part of an asymmetric key can
// do; the others need the private part.
var publicOps = []string{"verify", "encrypt", "wrapKey"}

// ParseKeyOps reads lws's --key-ops list ("sign verify"), checking each
// against RFC 7517 4.3: what lws_jwk_strdup_meta(JWK_META_KEY_OPS) takes.
func ParseKeyOps(list string) ([]string, error) {
	ops := strings.Fields(list)
	if len(ops) == 0 {
		return nil, errors.New("key_ops: empty list")
	}
	for i, op := range ops {
		if !slices.Contains(keyOps, op) {
			return nil, fmt.Errorf("key_ops: unknown operation %q (%s)", op, strings.Join(keyOps, ", "))
		}
		if slices.Contains(ops[:i], op) {
			return nil, fmt.Errorf("key_ops: %q twice", op)
		}
	}
	return ops, nil
}

// ParseKey reads a JWK: lws_jwk_import. The key must be RSA, EC on a
// NIST curve, oct or OKP (Ed25519); "key_ops" is checked as ParseKeyOps
// does.
func ParseKey(data []byte) (*Key, error) {
	if len(data) > MaxKeyFile {
		return nil, fmt.Errorf("jwk: %d bytes, more than %d", len(data), MaxKeyFile)
	}
	k := &Key{}
	if err := json.Unmarshal(data, &k.JSONWebKey); err != nil {
		return nil, fmt.Errorf("jwk: %w", err)
	}
	var meta struct {
		KeyOps []string `json:"key_ops"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, fmt.Errorf("jwk: key_ops: %w", err)
	}
	if meta.KeyOps != nil {
		for i, op := range meta.KeyOps {
			if !slices.Contains(keyOps, op) || slices.Contains(meta.KeyOps[:i], op) {
				return nil, fmt.Errorf("jwk: key_ops: %q unknown or repeated", op)
			}
		}
		k.KeyOps = meta.KeyOps
	}
	switch key := k.Key.(type) {
	case []byte:
		if len(key) == 0 {
			return nil, errors.New("jwk: empty oct key")
		}
	case *rsa.PrivateKey, *rsa.PublicKey, *ecdsa.PrivateKey, *ecdsa.PublicKey, ed25519.PrivateKey, ed25519.PublicKey:
		if !k.Valid() {
			return nil, errors.New("jwk: incomplete key")
		}
	default:
		return nil, fmt.Errorf("jwk: unsupported key type %T", key)
	}
	return k, nil
}

// LoadKey reads a JWK file: lws_jwk_load. Files larger than MaxKeyFile
// are refused.
func LoadKey(path string) (*Key, error) {
	data, err := ReadFile(path, MaxKeyFile)
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// Symmetric reports whether k is an oct key (lws: kty
// LWS_GENCRYPTO_KTY_OCT).
func (k *Key) Symmetric() bool {
	_, ok := k.Key.([]byte)
	return ok
}

// IsPrivate reports whether k holds a private (or symmetric) key: what
// lws_jwk_export with LWSJWKF_EXPORT_PRIVATE would write more of.
func (k *Key) IsPrivate() bool { return k.Symmetric() || !k.IsPublic() }

// Public is the public part of an asymmetric key with the metadata that
// still applies: "key_ops" keeps only what a public key can do (verify,
// encrypt, wrapKey). lws_jwk_export without LWSJWKF_EXPORT_PRIVATE.
func (k *Key) Public() (*Key, error) {
	if k.Symmetric() {
		return nil, errors.New("jwk: an oct key has no public part")
	}
	p := &Key{JSONWebKey: k.JSONWebKey.Public()}
	if p.Key == nil {
		return nil, errors.New("jwk: no public part")
	}
	if k.KeyOps != nil {
		// A key limited to private operations stays limited: its public
		// copy says "key_ops":[], as lws writes it, not "anything".
		p.KeyOps = []string{}
	}
	for _, op := range k.KeyOps {
		if slices.Contains(publicOps, op) {
			p.KeyOps = append(p.KeyOps, op)
		}
	}
	return p, nil
}

// Export writes k as lws_jwk_export does: one line of JSON, no
// whitespace, members in lexicographic order (RFC 7638 3.3's order, which
// some applications such as ACME require of the whole key), "key_ops"
// included. With private false, an asymmetric key is written as Public
// gives it.
func (k *Key) Export(private bool) ([]byte, error) {
	src := k
	if !private {
		p, err := k.Public()
		if err != nil {
			return nil, err
		}
		src = p
	}
	raw, err := json.Marshal(src.JSONWebKey)
	if err != nil {
		return nil, fmt.Errorf("jwk export: %w", err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, fmt.Errorf("jwk export: %w", err)
	}
	if src.KeyOps != nil {
		ops, _ := json.Marshal(src.KeyOps)
		members["key_ops"] = ops
	}
	// encoding/json writes a map's members sorted by name: RFC 7638's
	// order, byte-wise over the names.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(members); err != nil {
		return nil, fmt.Errorf("jwk export: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint, base64url:
// lws_jwk_rfc7638_fingerprint.
func (k *Key) Thumbprint() (string, error) {
	t, err := k.JSONWebKey.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("jwk thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(t), nil
}

// Permits checks the key's metadata against an operation (an RFC 7517
// 4.3 name such as "sign" or "decrypt", or "" for an encryption whose
// operation no key_ops names) done with algorithm alg: "use" must be
// "sig" for sign and verify and "enc" for the others, "key_ops" must list
// op, and "alg", when the key has one, must be alg (RFC 7517
// 4.2-4.4). lws's lws_jws_sign_from_b64 and lws_jwe_encrypt do not look;
// the tools here do.
func (k *Key) Permits(op, alg string) error {
	wantUse := "enc"
	if op == "sign" || op == "verify" {
		wantUse = "sig"
	}
	if k.Use != "" && k.Use != wantUse {
		return fmt.Errorf("the key's use is %q, not %q", k.Use, wantUse)
	}
	if op != "" && k.KeyOps != nil && !slices.Contains(k.KeyOps, op) {
		return fmt.Errorf("the key's key_ops %v do not allow %q", k.KeyOps, op)
	}
	if k.Algorithm != "" && alg != "" && k.Algorithm != alg {
		return fmt.Errorf("the key is for alg %q, not %q", k.Algorithm, alg)
	}
	return nil
}

// Describe is one line about the key for logs, type and size, never key
// material: the safe part of lws_jwk_dump.
func (k *Key) Describe() string {
	switch key := k.Key.(type) {
	case []byte:
		return fmt.Sprintf("oct %d bits", len(key)*8)
	case *rsa.PrivateKey:
		return fmt.Sprintf("RSA %d bits, private", key.N.BitLen())
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits, public", key.N.BitLen())
	case *ecdsa.PrivateKey:
		return fmt.Sprintf("EC %s, private", key.Curve.Params().Name)
	case *ecdsa.PublicKey:
		return fmt.Sprintf("EC %s, public", key.Curve.Params().Name)
	case ed25519.PrivateKey:
		return "OKP Ed25519, private"
	case ed25519.PublicKey:
		return "OKP Ed25519, public"
	}
	return fmt.Sprintf("%T", k.Key)
}
