package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/lws-go/lws-go/lws/jose"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// openssl runs the openssl command line and returns its stdout.
func openssl(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(lwstest.RequirePeer(t, "openssl"), args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return out
}

// writeTemp writes data to a file in a temporary folder.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// publicPEM is a JWK file's public key as PEM, for openssl.
func publicPEM(t *testing.T, jwkFile string) string {
	t.Helper()
	k, err := jose.LoadKey(jwkFile)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(k.JSONWebKey.Public().Key)
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// ecdsaSig is the DER form of an ECDSA signature (openssl's); JWS uses
// r||s (RFC 7518 3.4).
type ecdsaSig struct{ R, S *big.Int }

func rawToDER(t *testing.T, raw []byte) []byte {
	t.Helper()
	n := len(raw) / 2
	der, err := asn1.Marshal(ecdsaSig{new(big.Int).SetBytes(raw[:n]), new(big.Int).SetBytes(raw[n:])})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func derToRaw(t *testing.T, der []byte, size int) []byte {
	t.Helper()
	var s ecdsaSig
	if _, err := asn1.Unmarshal(der, &s); err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 2*size)
	s.R.FillBytes(raw[:size])
	s.S.FillBytes(raw[size:])
	return raw
}

// openssl, an independent implementation, verifies the RS256, ES256 and
// HS256 signatures this tool makes over lws's header and the payload;
// and a JWS whose signature openssl made, with an openssl-generated key,
// verifies with this tool.
func TestOpenSSLInterop(t *testing.T) {
	lwstest.RequirePeer(t, "openssl")
	payload := []byte("It's a dangerous business, Frodo, going out your door.\n")

	// This tool signs, openssl verifies.
	rsaPriv, rsaPub := writeKey(t, jose.KtyRSA, 2048, "")
	ecPriv, ecPub := writeKey(t, jose.KtyEC, 0, "P-256")
	for _, tc := range []struct{ alg, priv, pub string }{{"RS256", rsaPriv, rsaPub}, {"ES256", ecPriv, ecPub}} {
		jws, _, err := tool(t, payload, "-s", tc.alg, "-k", tc.priv)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(jws, ".")
		sig, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil {
			t.Fatal(err)
		}
		if tc.alg == "ES256" {
			sig = rawToDER(t, sig)
		}
		input := writeTemp(t, "input", []byte(parts[0]+"."+parts[1]))
		out := openssl(t, nil, "dgst", "-sha256", "-verify", publicPEM(t, tc.pub), "-signature", writeTemp(t, "sig", sig), input)
		if !bytes.Contains(out, []byte("Verified OK")) {
			t.Errorf("%s: openssl: %s", tc.alg, out)
		}
		// And a signature over anything else is not OK for openssl: the
		// check above can fail.
		other := writeTemp(t, "other", []byte(parts[0]+"."+parts[1]+"x"))
		cmd := exec.Command(lwstest.RequirePeer(t, "openssl"), "dgst", "-sha256", "-verify", publicPEM(t, tc.pub), "-signature", writeTemp(t, "sig", sig), other)
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Errorf("%s: openssl verified a changed input: %s", tc.alg, out)
		}
	}
	oct, _ := writeKey(t, jose.KtyOct, 256, "")
	k, _ := jose.LoadKey(oct)
	jws, _, err := tool(t, payload, "-s", "HS256", "-k", oct)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(jws, ".")
	mac := openssl(t, []byte(parts[0]+"."+parts[1]), "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:"+hex.EncodeToString(k.Key.([]byte)), "-binary")
	if got := base64.RawURLEncoding.EncodeToString(mac); got != parts[2] {
		t.Errorf("HS256: openssl's HMAC %s, the tool's %s", got, parts[2])
	}

	// openssl makes the keys and the signatures, this tool verifies.
	for _, tc := range []struct {
		alg    string
		genArg []string
	}{
		{"RS256", []string{"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}},
		{"ES256", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}},
	} {
		keyPEM := writeTemp(t, "key.pem", openssl(t, nil, append([]string{"genpkey"}, tc.genArg...)...))
		pubDER := openssl(t, nil, "pkey", "-in", keyPEM, "-pubout", "-outform", "DER")
		pub, err := x509.ParsePKIXPublicKey(pubDER)
		if err != nil {
			t.Fatal(err)
		}
		jwkText, err := (&jose.Key{JSONWebKey: gojose.JSONWebKey{Key: pub}}).Export(false)
		if err != nil {
			t.Fatal(err)
		}
		jwkFile := writeTemp(t, "openssl.jwk", jwkText)
		input := b64(`{"alg":"`+tc.alg+`"}`) + "." + base64.RawURLEncoding.EncodeToString(payload)
		sig := openssl(t, []byte(input), "dgst", "-sha256", "-sign", keyPEM)
		if tc.alg == "ES256" {
			sig = derToRaw(t, sig, pub.(*ecdsa.PublicKey).Curve.Params().BitSize/8)
		}
		token := input + "." + base64.RawURLEncoding.EncodeToString(sig)
		out, _, err := tool(t, []byte(token), "-k", jwkFile)
		if err != nil || out != string(payload) {
			t.Errorf("%s signed by openssl: %v, %q", tc.alg, err, out)
		}
		if out, _, err := tool(t, []byte(input+"."+base64.RawURLEncoding.EncodeToString(sig[1:])), "-k", jwkFile); err == nil {
			t.Errorf("%s: a damaged openssl signature verified: %q", tc.alg, out)
		}
	}
}
