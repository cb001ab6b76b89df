package main

import (
	"bytes"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"os/exec"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/jose"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// opensslRun runs openssl and returns its output and whether it exited 0.
func opensslRun(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	out, err := exec.Command(lwstest.RequirePeer(t, "openssl"), args...).CombinedOutput()
	return string(out), err == nil
}

// openssl verify, an independent implementation, reaches the same
// verdict as the tool on good, untrusted and expired chains.
func TestOpenSSLAgreesOnChains(t *testing.T) {
	lwstest.RequirePeer(t, "openssl")
	p := newPKI(t)
	other := issue(t, "other root", ecKey(t, elliptic.P256()), nil, true, valid)
	expiredLeaf := issue(t, "expired leaf", ecKey(t, elliptic.P256()), p.inter, false, expired)
	for _, tc := range []struct {
		name              string
		leaf, inter, root *cert
		ok                bool
	}{
		{"trusted EC leaf", p.ecLeaf, p.inter, p.root, true},
		{"trusted RSA leaf", p.rsaLeaf, p.inter, p.root, true},
		{"untrusted", p.ecLeaf, p.inter, other, false},
		{"expired", expiredLeaf, p.inter, p.root, false},
	} {
		leaf, inter, root := pemFile(t, tc.leaf), pemFile(t, tc.inter), pemFile(t, tc.root)
		sslOut, sslOK := opensslRun(t, "verify", "-CAfile", root, "-untrusted", inter, leaf)
		_, _, err := tool(t, "-c", pemFile(t, tc.leaf, tc.inter), "-t", root)
		if sslOK != tc.ok || (err == nil) != tc.ok {
			t.Errorf("%s: want ok=%v; openssl %v (%s), tool %v", tc.name, tc.ok, sslOK, strings.TrimSpace(sslOut), err)
		}
	}
}

// Certificates and keys openssl makes, RSA and EC, in PKCS #8 and the
// traditional PEM forms: the tool verifies the self-signed certificate
// against itself, and its JWKs hold the key openssl prints for the
// certificate.
func TestOpenSSLCertificates(t *testing.T) {
	lwstest.RequirePeer(t, "openssl")
	for _, newkey := range [][]string{
		{"-newkey", "rsa:2048"},
		{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"},
	} {
		dir := t.TempDir()
		key, crt := dir+"/key.pem", dir+"/cert.pem"
		args := append([]string{"req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", key, "-out", crt}, newkey...)
		if out, ok := opensslRun(t, args...); !ok {
			t.Fatalf("openssl req: %s", out)
		}
		pubOut, _, err := tool(t, "-c", crt, "-t", crt)
		if err != nil {
			t.Fatalf("%v: openssl's self-signed certificate: %v", newkey, err)
		}
		// openssl's view of the certificate's public key, as DER.
		sslPub, ok := opensslRun(t, "x509", "-in", crt, "-pubkey", "-noout")
		if !ok {
			t.Fatal(sslPub)
		}
		block, _ := pem.Decode([]byte(sslPub))
		k, err := jose.ParseKey([]byte(pubOut))
		if err != nil {
			t.Fatal(err)
		}
		der, _ := x509.MarshalPKIXPublicKey(k.Key)
		if block == nil || !bytes.Equal(block.Bytes, der) {
			t.Errorf("%v: the JWK's key is not the one openssl prints", newkey)
		}
		traditional := dir + "/trad.pem"
		if out, ok := opensslRun(t, "pkey", "-in", key, "-traditional", "-out", traditional); !ok {
			t.Fatal(out)
		}
		for _, kf := range []string{key, traditional} {
			privOut, _, err := tool(t, "-c", crt, "-p", kf)
			if err != nil {
				t.Fatalf("%v %s: %v", newkey, kf, err)
			}
			pk, err := jose.ParseKey([]byte(privOut))
			if err != nil || !pk.IsPrivate() {
				t.Fatalf("%v: %v %s", newkey, err, privOut)
			}
			pub, _ := pk.Export(false)
			if string(pub)+"\n" != pubOut {
				t.Errorf("%v %s: private JWK's public half %s, certificate's %s", newkey, kf, pub, pubOut)
			}
		}
	}
}
