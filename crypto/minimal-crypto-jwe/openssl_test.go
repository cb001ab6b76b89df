package main

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"os/exec"
	"strings"
	"testing"

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
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// pemFiles writes a JWK file's key as PKCS #8 and SPKI PEM, for openssl.
func pemFiles(t *testing.T, jwkFile string) (private, public string) {
	t.Helper()
	k, err := jose.LoadKey(jwkFile)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.Key)
	if err != nil {
		t.Fatal(err)
	}
	private = writeTemp(t, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	der, err = x509.MarshalPKIXPublicKey(k.JSONWebKey.Public().Key)
	if err != nil {
		t.Fatal(err)
	}
	return private, writeTemp(t, "pub.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// oaepOpts are openssl's pkeyutl options for RSA-OAEP (SHA-1) and
// RSA-OAEP-256.
var oaepOpts = map[string][]string{
	"RSA-OAEP":     {"-pkeyopt", "rsa_padding_mode:oaep"},
	"RSA-OAEP-256": {"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"},
}

// cbcTag is RFC 7518 5.2.2's A128CBC-HS256 tag, computed by openssl:
// HMAC-SHA-256 with the first half of the CEK over AAD, IV, ciphertext
// and AAD's length in bits, cut to 16 bytes.
func cbcTag(t *testing.T, macKey []byte, aad string, iv, ct []byte) []byte {
	t.Helper()
	al := binary.BigEndian.AppendUint64(nil, uint64(len(aad))*8)
	input := append(append(append([]byte(aad), iv...), ct...), al...)
	return openssl(t, input, "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:"+hex.EncodeToString(macKey), "-binary")[:16]
}

var b64 = base64.RawURLEncoding

// openssl, an independent implementation, takes apart the JWEs this tool
// makes with RSA-OAEP / RSA-OAEP-256 and A128CBC-HS256 (unwraps the CEK
// with the private key, checks the tag, decrypts the content with AES-CBC),
// and builds JWEs of its own the tool decrypts.
func TestOpenSSLInterop(t *testing.T) {
	lwstest.RequirePeer(t, "openssl")
	priv, pub := keyFiles(t, jose.KtyRSA, 2048, "")
	privPEM, pubPEM := pemFiles(t, priv)
	plain := []byte("The true sign of intelligence is not knowledge but imagination.\n")

	for _, alg := range []string{"RSA-OAEP", "RSA-OAEP-256"} {
		// The tool encrypts, openssl decrypts.
		jwe, _, err := tool(t, plain, "-e", alg+" A128CBC-HS256", "-k", pub)
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Split(jwe, ".")
		ek, _ := b64.DecodeString(p[1])
		iv, _ := b64.DecodeString(p[2])
		ct, _ := b64.DecodeString(p[3])
		tag, _ := b64.DecodeString(p[4])
		cek := openssl(t, ek, append([]string{"pkeyutl", "-decrypt", "-inkey", privPEM}, oaepOpts[alg]...)...)
		if len(cek) != 32 {
			t.Fatalf("%s: openssl unwrapped a %d-byte CEK", alg, len(cek))
		}
		if got := cbcTag(t, cek[:16], p[0], iv, ct); !bytes.Equal(got, tag) {
			t.Errorf("%s: openssl's tag %x, the JWE's %x", alg, got, tag)
		}
		got := openssl(t, ct, "enc", "-d", "-aes-128-cbc", "-K", hex.EncodeToString(cek[16:]), "-iv", hex.EncodeToString(iv))
		if !bytes.Equal(got, plain) {
			t.Errorf("%s: openssl decrypted %q", alg, got)
		}

		// openssl encrypts, the tool decrypts.
		cek = make([]byte, 32)
		iv = make([]byte, 16)
		_, _ = rand.Read(cek)
		_, _ = rand.Read(iv)
		ek = openssl(t, cek, append([]string{"pkeyutl", "-encrypt", "-pubin", "-inkey", pubPEM}, oaepOpts[alg]...)...)
		ct = openssl(t, plain, "enc", "-aes-128-cbc", "-K", hex.EncodeToString(cek[16:]), "-iv", hex.EncodeToString(iv))
		hdr := b64.EncodeToString([]byte(`{"alg":"` + alg + `","enc":"A128CBC-HS256"}`))
		tag = cbcTag(t, cek[:16], hdr, iv, ct)
		token := strings.Join([]string{hdr, b64.EncodeToString(ek), b64.EncodeToString(iv), b64.EncodeToString(ct), b64.EncodeToString(tag)}, ".")
		out, _, err := tool(t, []byte(token), "-k", priv)
		if err != nil || out != string(plain) {
			t.Errorf("%s by openssl: %v, %q", alg, err, out)
		}
		// The same JWE with a tag openssl did not compute is refused.
		tag[0] ^= 1
		bad := strings.Join([]string{hdr, b64.EncodeToString(ek), b64.EncodeToString(iv), b64.EncodeToString(ct), b64.EncodeToString(tag)}, ".")
		if out, _, err := tool(t, []byte(bad), "-k", priv); err == nil || out != "" {
			t.Errorf("%s: a wrong tag decrypted %q", alg, out)
		}
	}
}
