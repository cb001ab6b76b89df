package lws

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
)

// derKeyPair builds a certificate from DER bytes: a certificate and a
// PKCS#8, PKCS#1 or SEC 1 private key.
func derKeyPair(certDER, keyDER []byte) (tls.Certificate, error) {
	leaf, err := x509.ParseCertificate(certDER)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certificate is neither PEM nor DER: %w", err)
	}
	var key crypto.PrivateKey
	if k, err := x509.ParsePKCS8PrivateKey(keyDER); err == nil {
		key = k
	} else if k, err := x509.ParsePKCS1PrivateKey(keyDER); err == nil {
		key = k
	} else if k, err := x509.ParseECPrivateKey(keyDER); err == nil {
		key = k
	} else {
		return tls.Certificate{}, errors.New("private key is neither PEM nor PKCS#8/PKCS#1/SEC 1 DER")
	}
	// tls.X509KeyPair makes this check for PEM; without it a mismatched
	// pair would make a vhost whose every handshake fails.
	signer, ok := key.(crypto.Signer)
	pub, ok2 := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !ok2 || !pub.Equal(signer.Public()) {
		return tls.Certificate{}, errors.New("private key does not match the certificate's public key")
	}
	return tls.Certificate{Certificate: [][]byte{certDER}, PrivateKey: key, Leaf: leaf}, nil
}
