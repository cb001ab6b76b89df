package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/jose"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// jwk runs the tool in-process as the command line args would, and
// returns stdout, stderr and its error.
func jwk(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, log bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"minimal-crypto-jwk"}, args...)), &out, &log)
	return out.String(), log.String(), err
}

// members are a JSON object's member names in the order written.
func members(t *testing.T, obj string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %q", obj)
	}
	var names []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// Each key type, size and curve: stdout is exactly one JWK of that kind,
// members in RFC 7638 order, the metadata asked for, no newline (as
// lws_jwk_export with LWSJWKF_EXPORT_NOCRLF); logs only on stderr.
func TestKeyTypes(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		desc    string
		members []string
	}{
		{[]string{"-b", "2048"}, "RSA 2048 bits, private", []string{"d", "dp", "dq", "e", "kty", "n", "p", "q", "qi"}},
		{[]string{"-t", "RSA", "-b", "3072", "--kid", "r1", "--alg", "RS256", "--use", "sig"}, "RSA 3072 bits, private", []string{"alg", "d", "dp", "dq", "e", "kid", "kty", "n", "p", "q", "qi", "use"}},
		{[]string{"-t", "EC"}, "EC P-256, private", []string{"crv", "d", "kty", "x", "y"}},
		{[]string{"-t", "EC", "-v", "P-384", "--key-ops", "sign verify"}, "EC P-384, private", []string{"crv", "d", "key_ops", "kty", "x", "y"}},
		{[]string{"-t", "EC", "--curve", "P-521", "--alg", "ECDH-ES"}, "EC P-521, private", []string{"alg", "crv", "d", "kty", "x", "y"}},
		{[]string{"-t", "OCT", "-b", "128", "--kid", "k", "--use", "enc"}, "oct 128 bits", []string{"k", "kid", "kty", "use"}},
		{[]string{"-t", "OCT"}, "oct 4096 bits", []string{"k", "kty"}},
	} {
		out, log, err := jwk(t, tc.args...)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		k, err := jose.ParseKey([]byte(out))
		if err != nil {
			t.Fatalf("%v: output is no JWK: %v\n%s", tc.args, err, out)
		}
		if k.Describe() != tc.desc {
			t.Errorf("%v: %s, want %s", tc.args, k.Describe(), tc.desc)
		}
		if got := members(t, out); !slices.Equal(got, tc.members) {
			t.Errorf("%v: members %v, want %v", tc.args, got, tc.members)
		}
		if strings.HasSuffix(out, "\n") || !strings.Contains(log, "U: LWS JWK example") {
			t.Errorf("%v: stdout %q, log %q", tc.args, out, log)
		}
	}
}

// --public writes the public half: same public key, no private members,
// key_ops reduced to what a public key can do, kid/alg/use kept.
func TestPublicCopy(t *testing.T) {
	for _, args := range [][]string{
		{"-t", "EC", "--key-ops", "sign verify", "--kid", "e1"},
		{"-t", "RSA", "-b", "2048", "--key-ops", "decrypt encrypt unwrapKey wrapKey", "--alg", "RSA-OAEP"},
		{"-t", "EC", "-v", "P-384", "--use", "sig"},
	} {
		file := filepath.Join(t.TempDir(), "key.pub")
		out, log, err := jwk(t, append(args, "--public", file)...)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		priv, err := jose.ParseKey([]byte(out))
		if err != nil {
			t.Fatal(err)
		}
		pub, err := jose.ParseKey(data)
		if err != nil {
			t.Fatalf("%v: public file: %v\n%s", args, err, data)
		}
		if pub.IsPrivate() || !priv.IsPrivate() {
			t.Fatalf("%v: public file holds a private key:\n%s", args, data)
		}
		same := false
		switch k := priv.Key.(type) {
		case *ecdsa.PrivateKey:
			same = k.PublicKey.Equal(pub.Key)
		case *rsa.PrivateKey:
			same = k.PublicKey.Equal(pub.Key)
		}
		if !same {
			t.Errorf("%v: the public file's key is not the private key's", args)
		}
		for _, op := range pub.KeyOps {
			if !slices.Contains([]string{"verify", "encrypt", "wrapKey"}, op) {
				t.Errorf("%v: public key_ops has %q: %s", args, op, data)
			}
		}
		if len(priv.KeyOps) > 0 && len(pub.KeyOps) != len(priv.KeyOps)/2 {
			t.Errorf("%v: public key_ops %v from %v", args, pub.KeyOps, priv.KeyOps)
		}
		if pub.KeyID != priv.KeyID || pub.Algorithm != priv.Algorithm || pub.Use != priv.Use {
			t.Errorf("%v: metadata changed: %s", args, data)
		}
		if !slices.IsSorted(members(t, string(data))) || !strings.Contains(log, "public key written to "+file) {
			t.Errorf("%v: %s\n%s", args, data, log)
		}
	}
}

// openssl, an independent implementation, computes the RFC 7638
// thumbprint from the public file as written: a key without metadata is
// written exactly as RFC 7638's hash input (required members only, in
// lexicographic order, no whitespace), so SHA-256 of the file is the
// thumbprint go-jose computes from the key.
func TestThumbprintByOpenSSL(t *testing.T) {
	openssl := lwstest.RequirePeer(t, "openssl")
	for _, args := range [][]string{{"-t", "EC"}, {"-t", "EC", "-v", "P-521"}, {"-t", "RSA", "-b", "2048"}} {
		file := filepath.Join(t.TempDir(), "key.pub")
		out, _, err := jwk(t, append(args, "--public", file)...)
		if err != nil {
			t.Fatal(err)
		}
		digest, err := exec.Command(openssl, "dgst", "-sha256", "-binary", file).Output()
		if err != nil {
			t.Fatalf("openssl dgst: %v", err)
		}
		k, err := jose.ParseKey([]byte(out))
		if err != nil {
			t.Fatal(err)
		}
		want, err := k.Thumbprint()
		if err != nil {
			t.Fatal(err)
		}
		if got := base64.RawURLEncoding.EncodeToString(digest); got != want {
			t.Errorf("%v: openssl's SHA-256 of the public file %s, RFC 7638 thumbprint %s", args, got, want)
		}
	}
}

// -c writes the key as a C string literal, as lws's tool's format_c.
func TestCString(t *testing.T) {
	out, _, err := jwk(t, "-t", "OCT", "-b", "128", "-c")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != `"{"` || !strings.HasPrefix(lines[1], "\t\"\\\"k\\\":\\\"") || lines[len(lines)-2] != `"}"` {
		t.Fatalf("C string:\n%s", out)
	}
	// Undo the C quoting: the JWK comes back.
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l != "" {
			l = strings.TrimSuffix(strings.TrimPrefix(l, `"`), `"`)
			b.WriteString(strings.ReplaceAll(l, `\"`, `"`))
		}
	}
	if _, err := jose.ParseKey([]byte(b.String())); err != nil {
		t.Errorf("the C string is not the JWK: %v\n%s", err, b.String())
	}
}

// What makes no key is refused before anything is written: unknown type
// or curve, sizes out of range, metadata RFC 7517 does not define,
// --use with --key-ops, --public for an oct key, a public file that
// cannot be written.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-t", "DSA"},
		{"-t", "rsa"},
		{"-t", "EC", "-v", "P-224"},
		{"-t", "RSA", "-b", "1024"},
		{"-t", "OCT", "-b", "100"},
		{"-t", "OCT", "-b", "0"},
		{"-t", "EC", "--use", "sig enc"},
		{"-t", "EC", "--use", "sign"},
		{"-t", "EC", "--use", "sig", "--key-ops", "sign"},
		{"-t", "EC", "--key-ops", "sign fly"},
		{"-t", "EC", "--key-ops", "sign sign"},
		{"-t", "EC", "--alg", "XS256"},
		{"-t", "OCT", "-b", "256", "--public", filepath.Join(dir, "oct.pub")},
		{"-t", "EC", "--public", filepath.Join(dir, "no-such-dir", "ec.pub")},
	} {
		out, _, err := jwk(t, args...)
		if err == nil || out != "" {
			t.Errorf("%v: err %v, stdout %q", args, err, out)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused runs left files: %v", entries)
	}
}
