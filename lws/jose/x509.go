package jose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	gojose "github.com/go-jose/go-jose/v4"
)

// ParseCertificatesPEM reads every certificate of a PEM file, the leaf
// first and then any intermediates: lws_x509_parse_from_pem. A file with
// no certificate, a block of another type, or a block cut short (a BEGIN
// line without its END) is refused.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			if bytes.Contains(rest, []byte("-----BEGIN")) {
				return nil, errors.New("PEM: a block is cut short (no END line, or damaged)")
			}
			break
		}
		rest = r
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM: a %q block where a CERTIFICATE was expected", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM: certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("PEM: no certificate")
	}
	return certs, nil
}

// VerifyChain checks that chain[0] is signed, through the intermediates
// chain[1:], by trusted, and that every certificate on the way is valid at
// now: lws_x509_verify. Any extended key usage is accepted, as lws does
// not ask for one.
func VerifyChain(chain []*x509.Certificate, trusted *x509.Certificate, now time.Time) error {
	if len(chain) == 0 {
		return errors.New("x509 verify: no certificate")
	}
	roots := x509.NewCertPool()
	roots.AddCert(trusted)
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return fmt.Errorf("x509 verify: %w", err)
	}
	return nil
}

// PublicKeyJWK is a certificate's public key as a JWK:
// lws_x509_public_to_jwk with lws's tool's arguments, RSA of MinRSABits
// to MaxRSABits or EC on P-256, P-384 or P-521; other keys are refused.
func PublicKeyJWK(cert *x509.Certificate) (*Key, error) {
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if n := pub.N.BitLen(); n < MinRSABits || n > MaxRSABits {
			return nil, fmt.Errorf("x509: RSA key of %d bits, not %d to %d", n, MinRSABits, MaxRSABits)
		}
	case *ecdsa.PublicKey:
		if _, ok := curves[pub.Curve.Params().Name]; !ok {
			return nil, fmt.Errorf("x509: EC curve %s is not P-256, P-384 or P-521", pub.Curve.Params().Name)
		}
	default:
		return nil, fmt.Errorf("x509: %s keys are not RSA or EC", cert.PublicKeyAlgorithm)
	}
	return &Key{JSONWebKey: gojose.JSONWebKey{Key: cert.PublicKey}}, nil
}

// AddPrivateKeyPEM puts the private key of a PEM file (PKCS #1, SEC 1 or
// PKCS #8) into k, which holds the matching public key:
// lws_x509_jwk_privkey_pem. A private key that is not the public key's
// other half is refused.
func AddPrivateKeyPEM(k *Key, data []byte) error {
	block, _ := pem.Decode(data)
	if block == nil {
		return errors.New("private key PEM: no complete PEM block")
	}
	var priv crypto.PrivateKey
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		priv, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		priv, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		priv, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return fmt.Errorf("private key PEM: a %q block is not a private key", block.Type)
	}
	if err != nil {
		return fmt.Errorf("private key PEM: %w", err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return fmt.Errorf("private key PEM: unsupported key %T", priv)
	}
	pub, ok := k.Key.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(signer.Public()) {
		return errors.New("private key PEM: the key does not match the certificate's public key")
	}
	k.Key = priv
	return nil
}
