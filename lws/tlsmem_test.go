package lws

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// Certificates from memory: PEM and DER (with each key encoding lws's
// backends take) make a TLS vhost; damaged or mismatched material is a
// clear error from CreateVhost, never a vhost without its certificate.
func TestTLSFromMemory(t *testing.T) {
	blk, _ := pem.Decode(lwstest.LocalhostCert)
	certDER := blk.Bytes
	kblk, _ := pem.Decode(lwstest.LocalhostKey)
	keyDER := kblk.Bytes
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalECPrivateKey(ecKey)

	c, err := NewContext(ContextInfo{VhostInfo: VhostInfo{Options: OptionExplicitVhosts}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Destroy()
	good := []struct {
		name      string
		cert, key []byte
	}{
		{"pem", lwstest.LocalhostCert, lwstest.LocalhostKey},
		{"der pkcs8", certDER, keyDER},
	}
	for _, g := range good {
		if _, err := c.CreateVhost(VhostInfo{Name: g.name, Port: 0, Interface: "127.0.0.1", TLS: TLSInfo{CertMem: g.cert, KeyMem: g.key}}); err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
	}
	bad := []struct {
		name      string
		cert, key []byte
		want      string
	}{
		{"garbage cert", []byte("not a certificate"), lwstest.LocalhostKey, "neither PEM nor DER"},
		{"truncated der", certDER[:len(certDER)/2], keyDER, "neither PEM nor DER"},
		{"garbage key", certDER, []byte{1, 2, 3}, "private key is neither"},
		{"pkcs1 key of another pair", certDER, x509.MarshalPKCS1PrivateKey(rsaKey), "private key does not match"},
		{"ec key of another pair", certDER, ecDER, "private key does not match"},
		{"pem cert with der key", lwstest.LocalhostCert, keyDER, "neither PEM nor DER"},
	}
	for _, b := range bad {
		_, err := c.CreateVhost(VhostInfo{Name: b.name, Port: 0, Interface: "127.0.0.1", TLS: TLSInfo{CertMem: b.cert, KeyMem: b.key}})
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err = %v, want %q", b.name, err, b.want)
		}
	}
}
