package main

import (
	"crypto/x509"
	"fmt"
	"log/slog"
	"time"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/jose"
	"github.com/lws-go/lws-go/lws/logs"
)

// readCerts reads a PEM file of certificates: lws_x509_create and
// lws_x509_parse_from_pem.
func readCerts(name string) ([]*x509.Certificate, error) {
	data, err := jose.ReadFile(name, jose.MaxPEMFile)
	if err != nil {
		return nil, fmt.Errorf("unable to read %q: %w", name, err)
	}
	certs, err := jose.ParseCertificatesPEM(data)
	if err != nil {
		return nil, fmt.Errorf("unable to parse PEM %s: %w", name, err)
	}
	return certs, nil
}

// x509Tool verifies (with -t) and returns the JWK to print: the public
// key of the certificate, or with -p the private key.
func x509Tool(o *cmdline.Values, log *slog.Logger) ([]byte, error) {
	chain, err := readCerts(o.String("-c"))
	if err != nil {
		return nil, err
	}
	if o.Has("-t") {
		trusted, err := readCerts(o.String("-t"))
		if err != nil {
			return nil, err
		}
		if len(trusted) != 1 {
			return nil, fmt.Errorf("-t %s: %d certificates; give the one trusted certificate", o.String("-t"), len(trusted))
		}
		logs.Noticef(log, "main: certs loaded OK")
		// lws_x509_verify: chain[0] through chain[1:] up to trusted, each
		// valid now.
		if err := jose.VerifyChain(chain, trusted[0], time.Now()); err != nil {
			logs.Errf(log, "main: verify failed")
			return nil, err
		}
		logs.Noticef(log, "main: verified OK")
		// lws_x509_public_to_jwk on the trusted certificate, dumped at INFO.
		if tk, err := jose.PublicKeyJWK(trusted[0]); err == nil {
			if j, err := tk.Export(false); err == nil {
				logs.Infof(log, "JWK version of trusted cert: %s", j)
			}
		}
	}
	// lws_x509_public_to_jwk: RSA, or EC on P-256, P-384 or P-521.
	key, err := jose.PublicKeyJWK(chain[0])
	if err != nil {
		return nil, fmt.Errorf("unable to get cert pubkey as JWK: %w", err)
	}
	key.Algorithm = o.String("--alg")
	if !o.Has("-p") {
		logs.Noticef(log, "Issuing Cert Public JWK on stdout")
		return key.Export(false)
	}
	// lws_x509_jwk_privkey_pem: the private key must be the certificate's.
	pemKey, err := jose.ReadFile(o.String("-p"), jose.MaxPEMFile)
	if err != nil {
		return nil, fmt.Errorf("unable to read privkey: %w", err)
	}
	if err := jose.AddPrivateKeyPEM(key, pemKey); err != nil {
		return nil, fmt.Errorf("unable to parse privkey %s: %w", o.String("-p"), err)
	}
	logs.Noticef(log, "Issuing Cert + Private JWK on stdout")
	return key.Export(true)
}
