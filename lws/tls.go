package lws

import (
	"crypto/tls"
	"fmt"
)

// TLSInfo carries a vhost's server certificate, from files
// (ssl_cert_filepath, ssl_private_key_filepath) or from memory
// (server_ssl_cert_mem, server_ssl_private_key_mem), PEM or DER.
type TLSInfo struct {
	CertFile, KeyFile string
	CertMem, KeyMem   []byte // PEM, or DER (cert) and PKCS#1/PKCS#8/EC DER (key)
}

func (t TLSInfo) enabled() bool {
	return t.CertFile != "" || len(t.CertMem) > 0
}

func (v *Vhost) loadTLS() error {
	t := v.info.TLS
	if !t.enabled() {
		return nil
	}
	var cert tls.Certificate
	var err error
	if t.CertFile != "" {
		cert, err = tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	} else {
		cert, err = certFromMemory(t.CertMem, t.KeyMem)
	}
	if err != nil {
		return fmt.Errorf("load TLS certificate: %w", err)
	}
	v.tlsCert = &cert
	return nil
}

// certFromMemory accepts PEM, or DER as lws's tls-mem example passes it.
func certFromMemory(certMem, keyMem []byte) (tls.Certificate, error) {
	if c, err := tls.X509KeyPair(certMem, keyMem); err == nil {
		return c, nil
	}
	return derKeyPair(certMem, keyMem)
}
