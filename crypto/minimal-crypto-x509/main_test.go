package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/jose"
)

// tool runs the tool in-process with the command line args.
func tool(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, log bytes.Buffer
	err := run(switches.MustParse(append([]string{"minimal-crypto-x509"}, args...)), &out, &log)
	return out.String(), log.String(), err
}

// cert is a generated certificate and its key.
type cert struct {
	c   *x509.Certificate
	key crypto.Signer
}

// validity of a generated certificate.
type validity struct{ from, to time.Time }

var (
	now     = time.Now()
	valid   = validity{now.Add(-time.Hour), now.Add(24 * time.Hour)}
	expired = validity{now.Add(-48 * time.Hour), now.Add(-24 * time.Hour)}
	future  = validity{now.Add(24 * time.Hour), now.Add(48 * time.Hour)}
)

var serial int64

// issue makes a certificate for key, signed by parent (self-signed when
// parent is nil); isCA makes it able to sign others.
func issue(t *testing.T, name string, key crypto.Signer, parent *cert, isCA bool, v validity) *cert {
	t.Helper()
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: v.from, NotAfter: v.to,
		BasicConstraintsValid: true, IsCA: isCA,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.c
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &cert{c, key}
}

func ecKey(t *testing.T, c elliptic.Curve) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func rsaKey(t *testing.T, bits int) crypto.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// pemFile writes certificates as one PEM file.
func pemFile(t *testing.T, certs ...*cert) string {
	t.Helper()
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.c.Raw})
	}
	return writeTemp(t, "certs.pem", b.Bytes())
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// keyPEM writes a private key in one of the PEM forms.
func keyPEM(t *testing.T, key crypto.Signer, form string) string {
	t.Helper()
	var der []byte
	var err error
	switch form {
	case "PRIVATE KEY":
		der, err = x509.MarshalPKCS8PrivateKey(key)
	case "RSA PRIVATE KEY":
		der = x509.MarshalPKCS1PrivateKey(key.(*rsa.PrivateKey))
	case "EC PRIVATE KEY":
		der, err = x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
	}
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "key.pem", pem.EncodeToMemory(&pem.Block{Type: form, Bytes: der}))
}

// pki is a root, an intermediate and leaves under them, all valid now.
type pki struct {
	root, inter, ecLeaf, rsaLeaf *cert
}

func newPKI(t *testing.T) pki {
	t.Helper()
	root := issue(t, "root", ecKey(t, elliptic.P256()), nil, true, valid)
	inter := issue(t, "intermediate", ecKey(t, elliptic.P384()), root, true, valid)
	return pki{
		root: root, inter: inter,
		ecLeaf:  issue(t, "ec leaf", ecKey(t, elliptic.P256()), inter, false, valid),
		rsaLeaf: issue(t, "rsa leaf", rsaKey(t, 2048), inter, false, valid),
	}
}

// A leaf and its intermediate in -c verify against the root in -t; the
// public JWK on stdout is the leaf's key, EC or RSA.
func TestVerifyTrustedChain(t *testing.T) {
	p := newPKI(t)
	for _, leaf := range []*cert{p.ecLeaf, p.rsaLeaf} {
		out, log, err := tool(t, "-c", pemFile(t, leaf, p.inter), "-t", pemFile(t, p.root))
		if err != nil {
			t.Fatalf("%s: %v\n%s", leaf.c.Subject.CommonName, err, log)
		}
		for _, want := range []string{"N: main: certs loaded OK", "N: main: verified OK", "N: Issuing Cert Public JWK on stdout", "N: main: OK"} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %q:\n%s", want, log)
			}
		}
		k, err := jose.ParseKey([]byte(out))
		if err != nil {
			t.Fatal(err)
		}
		if k.IsPrivate() || !leaf.key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Key) {
			t.Errorf("%s: the JWK is not the leaf's public key: %s", leaf.c.Subject.CommonName, out)
		}
	}
	// The intermediate itself as the trusted certificate: the leaf alone
	// verifies.
	if _, _, err := tool(t, "-c", pemFile(t, p.ecLeaf), "-t", pemFile(t, p.inter)); err != nil {
		t.Errorf("leaf against its issuer: %v", err)
	}
}

// Chains that must not verify: another root, a missing intermediate, an
// expired or not yet valid certificate anywhere on the way, a leaf
// signed by a non-CA, a self-signed certificate against a root. Nothing
// reaches stdout.
func TestVerifyRefuses(t *testing.T) {
	p := newPKI(t)
	other := issue(t, "other root", ecKey(t, elliptic.P256()), nil, true, valid)
	expiredLeaf := issue(t, "expired leaf", ecKey(t, elliptic.P256()), p.inter, false, expired)
	futureLeaf := issue(t, "future leaf", ecKey(t, elliptic.P256()), p.inter, false, future)
	expiredInter := issue(t, "expired intermediate", ecKey(t, elliptic.P256()), p.root, true, expired)
	underExpired := issue(t, "leaf", ecKey(t, elliptic.P256()), expiredInter, false, valid)
	expiredRoot := issue(t, "expired root", ecKey(t, elliptic.P256()), nil, true, expired)
	underExpiredRoot := issue(t, "leaf", ecKey(t, elliptic.P256()), expiredRoot, false, valid)
	notCA := issue(t, "not a CA", ecKey(t, elliptic.P256()), p.root, false, valid)
	underNotCA := issue(t, "leaf", ecKey(t, elliptic.P256()), notCA, false, valid)
	selfSigned := issue(t, "self", ecKey(t, elliptic.P256()), nil, false, valid)
	for name, tc := range map[string][2]string{
		"another root":         {pemFile(t, p.ecLeaf, p.inter), pemFile(t, other)},
		"missing intermediate": {pemFile(t, p.ecLeaf), pemFile(t, p.root)},
		"expired leaf":         {pemFile(t, expiredLeaf, p.inter), pemFile(t, p.root)},
		"not yet valid leaf":   {pemFile(t, futureLeaf, p.inter), pemFile(t, p.root)},
		"expired intermediate": {pemFile(t, underExpired, expiredInter), pemFile(t, p.root)},
		"expired root":         {pemFile(t, underExpiredRoot), pemFile(t, expiredRoot)},
		"issuer is no CA":      {pemFile(t, underNotCA, notCA), pemFile(t, p.root)},
		"self-signed":          {pemFile(t, selfSigned), pemFile(t, p.root)},
		"root as -c":           {pemFile(t, other), pemFile(t, p.root)},
	} {
		out, log, err := tool(t, "-c", tc[0], "-t", tc[1])
		if err == nil || out != "" || !strings.Contains(log, "E: main: verify failed") || !strings.Contains(log, "E: main: failed") {
			t.Errorf("%s: err %v, stdout %q\n%s", name, err, out, log)
		}
	}
}

// -p adds the private key: PKCS #8, PKCS #1 and SEC 1 PEM forms give the
// private JWK of the certificate's key; a key that is not the
// certificate's is refused.
func TestPrivateKey(t *testing.T) {
	p := newPKI(t)
	for _, tc := range []struct {
		leaf *cert
		form string
	}{
		{p.ecLeaf, "PRIVATE KEY"}, {p.ecLeaf, "EC PRIVATE KEY"},
		{p.rsaLeaf, "PRIVATE KEY"}, {p.rsaLeaf, "RSA PRIVATE KEY"},
	} {
		out, log, err := tool(t, "-c", pemFile(t, tc.leaf), "-p", keyPEM(t, tc.leaf.key, tc.form), "--alg", "RS256")
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.form, err, log)
		}
		k, err := jose.ParseKey([]byte(out))
		if err != nil {
			t.Fatal(err)
		}
		if !k.IsPrivate() || k.Algorithm != "RS256" || !strings.Contains(log, "Issuing Cert + Private JWK on stdout") {
			t.Errorf("%s: %s\n%s", tc.form, out, log)
		}
		if !tc.leaf.key.(interface{ Equal(crypto.PrivateKey) bool }).Equal(k.Key) {
			t.Errorf("%s: the JWK's private key is not the PEM's", tc.form)
		}
	}
	for name, key := range map[string]string{
		"another EC key":     keyPEM(t, ecKey(t, elliptic.P256()), "PRIVATE KEY"),
		"the issuer's key":   keyPEM(t, p.inter.key, "EC PRIVATE KEY"),
		"an RSA key":         keyPEM(t, p.rsaLeaf.key, "RSA PRIVATE KEY"),
		"a certificate":      pemFile(t, p.ecLeaf),
		"no such file":       filepath.Join(t.TempDir(), "none.pem"),
		"not PEM":            writeTemp(t, "key.pem", []byte("just text\n")),
		"PEM of bad DER":     writeTemp(t, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{0x30, 0x03, 1, 2, 3}})),
		"truncated key PEM":  truncated(t, keyPEM(t, p.ecLeaf.key, "PRIVATE KEY")),
		"oversized key file": writeTemp(t, "big.pem", bytes.Repeat([]byte("A"), jose.MaxPEMFile+1)),
	} {
		if out, _, err := tool(t, "-c", pemFile(t, p.ecLeaf), "-p", key); err == nil || out != "" {
			t.Errorf("-p %s: accepted, %q", name, out)
		}
	}
}

// truncated writes the first two thirds of a file to a new one.
func truncated(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "truncated.pem", b[:len(b)*2/3])
}

// Certificate files that are not one: missing -c, no such file, cut
// short, not PEM, PEM of a key, several certificates in -t, too large,
// and certificates whose keys lws does not turn into JWKs (Ed25519, RSA
// under 2048 bits, EC on P-224).
func TestBadCertificates(t *testing.T) {
	p := newPKI(t)
	good := pemFile(t, p.ecLeaf, p.inter)
	if _, _, err := tool(t); err == nil || !strings.Contains(err.Error(), "missing -c <cert pem file>") {
		t.Errorf("no -c: %v", err)
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ed := issue(t, "ed25519", edKey, nil, false, valid)
	weak := issue(t, "rsa 1024", rsaKey(t, 1024), nil, false, valid)
	p224 := issue(t, "p-224", ecKey(t, elliptic.P224()), nil, false, valid)
	noEnd := writeTemp(t, "noend.pem", bytes.TrimSuffix(bytes.TrimSpace(readAll(t, pemFile(t, p.ecLeaf))), []byte("-----END CERTIFICATE-----")))
	for name, args := range map[string][]string{
		"no such file":          {"-c", filepath.Join(t.TempDir(), "none.pem")},
		"truncated PEM":         {"-c", truncated(t, good)},
		"PEM without END":       {"-c", noEnd},
		"second cert truncated": {"-c", writeTemp(t, "two.pem", append(readAll(t, pemFile(t, p.ecLeaf)), readAll(t, truncated(t, pemFile(t, p.inter)))...))},
		"not PEM":               {"-c", writeTemp(t, "x.pem", []byte("hello\n"))},
		"empty file":            {"-c", writeTemp(t, "empty.pem", nil)},
		"a key, not a cert":     {"-c", keyPEM(t, p.ecLeaf.key, "PRIVATE KEY")},
		"bad DER":               {"-c", writeTemp(t, "bad.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x01, 0}}))},
		"oversized":             {"-c", writeTemp(t, "big.pem", bytes.Repeat([]byte("A"), jose.MaxPEMFile+1))},
		"two trusted certs":     {"-c", good, "-t", pemFile(t, p.root, p.inter)},
		"truncated trusted":     {"-c", good, "-t", truncated(t, pemFile(t, p.root))},
		"Ed25519 key":           {"-c", pemFile(t, ed)},
		"RSA 1024":              {"-c", pemFile(t, weak)},
		"EC P-224":              {"-c", pemFile(t, p224)},
		"unknown --alg":         {"-c", good, "--alg", "XS256"},
	} {
		if out, _, err := tool(t, args...); err == nil || out != "" {
			t.Errorf("%s: accepted, %q", name, out)
		}
	}
}

func readAll(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The certificates the README's sample uses: the chain verifies against
// the root, and the key is the leaf's.
func TestShippedSample(t *testing.T) {
	if _, _, err := tool(t, "-c", "ec-cert.pem", "-t", "ca-cert.pem"); err != nil {
		t.Fatal(err)
	}
	pub, _, err := tool(t, "-c", "ec-cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	priv, _, err := tool(t, "-c", "ec-cert.pem", "-p", "ec-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	k, _ := jose.ParseKey([]byte(priv))
	pk, _ := k.Export(false)
	if string(pk)+"\n" != pub {
		t.Errorf("public %s\nfrom private %s", pub, pk)
	}
}
