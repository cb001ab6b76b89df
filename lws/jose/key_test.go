package jose

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// keySet reads an RFC 7517 example key set from testdata, each key as its
// own JSON text.
func keySet(t *testing.T, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	out := make([][]byte, len(set.Keys))
	for i, k := range set.Keys {
		out[i] = k
	}
	return out
}

// memberNames are a JSON object's member names in the order written.
func memberNames(t *testing.T, obj []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(obj)))
	var names []string
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", obj)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// RFC 7517 appendix A: the public (A.1), private (A.2) and symmetric
// (A.3) example keys import, keep their metadata, and export with the
// same members in lexicographic order; the private ones' public copies
// carry exactly the public members.
func TestRFC7517Keys(t *testing.T) {
	for _, tc := range []struct {
		file    string
		private bool
		want    []string // Describe, per key
	}{
		{"rfc7517-a1.json", false, []string{"EC P-256, public", "RSA 2048 bits, public"}},
		{"rfc7517-a2.json", true, []string{"EC P-256, private", "RSA 2048 bits, private"}},
		{"rfc7517-a3.json", true, []string{"oct 128 bits", "oct 512 bits"}},
	} {
		for i, raw := range keySet(t, tc.file) {
			k, err := ParseKey(raw)
			if err != nil {
				t.Fatalf("%s key %d: %v", tc.file, i, err)
			}
			if got := k.Describe(); got != tc.want[i] {
				t.Errorf("%s key %d: %s, want %s", tc.file, i, got, tc.want[i])
			}
			out, err := k.Export(true)
			if err != nil {
				t.Fatal(err)
			}
			var in, back map[string]any
			_ = json.Unmarshal(raw, &in)
			_ = json.Unmarshal(out, &back)
			if len(in) != len(back) {
				t.Errorf("%s key %d: members %v became %v", tc.file, i, in, back)
			}
			for name, v := range in {
				if back[name] != v {
					t.Errorf("%s key %d: %q was %v, exported %v", tc.file, i, name, v, back[name])
				}
			}
			names := memberNames(t, out)
			if !slices.IsSorted(names) {
				t.Errorf("%s key %d: members not in RFC 7638 order: %v", tc.file, i, names)
			}
			if k.Symmetric() {
				if _, err := k.Export(false); err == nil {
					t.Errorf("%s key %d: an oct key exported a public copy", tc.file, i)
				}
				continue
			}
			pub, err := k.Export(false)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range memberNames(t, pub) {
				if slices.Contains([]string{"d", "p", "q", "dp", "dq", "qi"}, name) {
					t.Errorf("%s key %d: public copy has private member %q: %s", tc.file, i, name, pub)
				}
			}
		}
	}
}

// RFC 7517 appendix B: an RSA public key with an x5c chain imports, and
// the chain's first certificate holds the same key.
func TestRFC7517X5C(t *testing.T) {
	data, err := os.ReadFile("testdata/rfc7517-b.json")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(data)
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyID != "1b94c" || len(k.Certificates) != 1 {
		t.Fatalf("kid %q, %d certificates", k.KeyID, len(k.Certificates))
	}
	if !k.Key.(*rsa.PublicKey).Equal(k.Certificates[0].PublicKey) {
		t.Error("x5c certificate holds another key")
	}
}

// RFC 7638 3.1: the thumbprint of RFC 7517's RSA example key; and since
// Export writes RFC 7638's member order, a key exported with only its
// required members is the thumbprint's input itself.
func TestRFC7638Thumbprint(t *testing.T) {
	raw := keySet(t, "rfc7517-a1.json")[1]
	k, err := ParseKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := k.Thumbprint()
	if err != nil {
		t.Fatal(err)
	}
	if tp != "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" {
		t.Errorf("thumbprint %s", tp)
	}
	k.KeyID, k.Algorithm = "", ""
	out, err := k.Export(false)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"e":"AQAB","kty":"RSA","n":"0vx7ag`; !strings.HasPrefix(string(out), want) {
		t.Errorf("export %s, want the RFC 7638 input starting %s", out, want)
	}
}

// Generate makes each of lws's key types; the public copy trims the
// operations that need the private part and keeps use, kid and alg.
func TestGenerateAndPublicCopy(t *testing.T) {
	for _, tc := range []struct {
		kty   string
		bits  int
		curve string
		want  string
	}{
		{KtyRSA, 2048, "", "RSA 2048 bits, private"},
		{KtyEC, 0, "P-256", "EC P-256, private"},
		{KtyEC, 0, "P-384", "EC P-384, private"},
		{KtyEC, 0, "P-521", "EC P-521, private"},
		{KtyOct, 256, "", "oct 256 bits"},
	} {
		k, err := Generate(tc.kty, tc.bits, tc.curve)
		if err != nil {
			t.Fatal(err)
		}
		if k.Describe() != tc.want {
			t.Errorf("%s: %s", tc.want, k.Describe())
		}
		k.KeyID, k.Algorithm = "my kid", "ES256"
		if k.KeyOps, err = ParseKeyOps("sign verify decrypt encrypt wrapKey unwrapKey deriveBits"); err != nil {
			t.Fatal(err)
		}
		priv, err := k.Export(true)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseKey(priv)
		if err != nil {
			t.Fatalf("%s: own export does not import: %v\n%s", tc.want, err, priv)
		}
		if !slices.Equal(back.KeyOps, k.KeyOps) || back.KeyID != "my kid" {
			t.Errorf("%s: metadata lost: %s", tc.want, priv)
		}
		if k.Symmetric() {
			continue
		}
		p, err := k.Public()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"verify", "encrypt", "wrapKey"}; !slices.Equal(p.KeyOps, want) {
			t.Errorf("%s: public key_ops %v, want %v", tc.want, p.KeyOps, want)
		}
		if p.KeyID != "my kid" || p.Algorithm != "ES256" || p.IsPrivate() {
			t.Errorf("%s: public copy %+v", tc.want, p)
		}
	}
	// A key for private operations only: its public copy allows nothing,
	// rather than (with no key_ops at all) everything.
	k, _ := Generate(KtyEC, 0, "P-256")
	k.KeyOps = []string{"sign"}
	pub, err := k.Export(false)
	if err != nil || !strings.Contains(string(pub), `"key_ops":[]`) {
		t.Errorf("sign-only key's public copy: %s %v", pub, err)
	}
	if back, err := ParseKey(pub); err != nil || back.Permits("verify", "ES256") == nil {
		t.Errorf("the public copy of a sign-only key verifies: %v", err)
	}
	if k.Key.(*ecdsa.PrivateKey).Curve.Params().BitSize != 256 {
		t.Error("P-256 key is not 256 bits")
	}
}

// Generate refuses what lws refuses, and key sizes nobody should use.
func TestGenerateRefuses(t *testing.T) {
	for _, tc := range []struct {
		kty   string
		bits  int
		curve string
	}{
		{"DSA", 2048, ""}, {KtyRSA, 1024, ""}, {KtyRSA, MaxRSABits + 8, ""},
		{KtyEC, 0, "P-224"}, {KtyEC, 0, "secp256k1"}, {KtyOct, 0, ""}, {KtyOct, 100, ""}, {KtyOct, MaxOctBits + 8, ""},
	} {
		if _, err := Generate(tc.kty, tc.bits, tc.curve); err == nil {
			t.Errorf("Generate(%s, %d, %q) succeeded", tc.kty, tc.bits, tc.curve)
		}
	}
}

// Bad JWKs are refused with an error, each for its own reason.
func TestParseKeyRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"not json":          `{"kty":"oct","k":`,
		"unknown kty":       `{"kty":"XYZ","k":"AAAA"}`,
		"empty oct":         `{"kty":"oct","k":""}`,
		"bad key_ops":       `{"kty":"oct","k":"AAAA","key_ops":["sign","fly"]}`,
		"repeated key_ops":  `{"kty":"oct","k":"AAAA","key_ops":["sign","sign"]}`,
		"key_ops not array": `{"kty":"oct","k":"AAAA","key_ops":"sign"}`,
		"EC off the curve":  `{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`,
		"RSA without e":     `{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}`,
		"too large":         `{"kty":"oct","k":"` + strings.Repeat("A", MaxKeyFile) + `"}`,
		"RSA over 4096":     `{"kty":"RSA","e":"AQAB","n":"` + strings.Repeat("w", 688) + `"}`,
	} {
		if k, err := ParseKey([]byte(in)); err == nil {
			t.Errorf("%s: accepted as %s", name, k.Describe())
		}
	}
}

// Permits applies use, key_ops and alg.
func TestPermits(t *testing.T) {
	k := &Key{KeyOps: []string{"verify"}}
	k.Use, k.Algorithm = "sig", "ES256"
	if err := k.Permits("verify", "ES256"); err != nil {
		t.Error(err)
	}
	for _, tc := range [][2]string{{"sign", "ES256"}, {"verify", "RS256"}, {"decrypt", "ES256"}} {
		if k.Permits(tc[0], tc[1]) == nil {
			t.Errorf("%s with %s permitted", tc[0], tc[1])
		}
	}
	k = &Key{}
	k.Use = "enc"
	if k.Permits("sign", "") == nil || k.Permits("encrypt", "") != nil {
		t.Error(`use "enc" not applied`)
	}
}
