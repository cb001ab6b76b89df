// Command minimal-crypto-x509 is lws's minimal-crypto-x509
// (lws-crypto-x509) in Go: it loads a PEM certificate (with any
// intermediates after it, -c), checks it against a trusted certificate
// (-t), and writes the certificate's public key as a JWK on stdout, or,
// given the matching private key (-p), the private JWK. Logs go to
// stderr.
//
//	go run ./crypto/minimal-crypto-x509 -c ec-cert.pem -t ca-cert.pem
//	go run ./crypto/minimal-crypto-x509 -c ec-cert.pem -p ec-key.pem
//
// Parsing and verification are crypto/x509's; the certificate key to JWK
// and the private key PEM to JWK are the core's lws/jose
// (lws_x509_public_to_jwk, lws_x509_jwk_privkey_pem).
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/jose"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws-crypto-x509's (lws_switches).
var switches = cmdline.Switches{
	{Name: "-c", Kind: cmdline.String, Arg: "PEM file", Help: "the certificate, followed by any intermediates, PEM; required"},
	{Name: "-t", Kind: cmdline.String, Arg: "PEM file", Help: "a trusted certificate (PEM) to verify -c against"},
	{Name: "-p", Kind: cmdline.String, Arg: "PEM file", Help: "the certificate's private key (PEM: PKCS #8, PKCS #1 or SEC 1); then the private JWK is written"},
	{Name: "--alg", Kind: cmdline.String, Arg: "alg", Help: "the \"alg\" to put in the JWK, e.g. ES256 or RSA-OAEP"},
}

func main() {
	if len(os.Args) == 1 {
		// As lws's tool: no arguments at all asks for the help.
		os.Args = append(os.Args, "--help")
	}
	cmdline.Main(switches, func(_ context.Context, o *cmdline.Values) error {
		return run(o, os.Stdout, os.Stderr)
	})
}

// run does the work and says "main: OK" or "main: failed" at the end,
// as lws's tool does.
func run(o *cmdline.Values, out, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS X509 api example")
	if !o.Has("-c") {
		return o.Errorf("missing -c <cert pem file>")
	}
	if alg := o.String("--alg"); alg != "" {
		_, e1 := jose.SignatureAlgorithm(alg)
		_, e2 := jose.KeyAlgorithm(alg)
		if e1 != nil && e2 != nil {
			return o.Errorf("--alg %q: not a JWS or JWE algorithm lws knows", alg)
		}
	}
	jwk, err := x509Tool(o, log)
	if err != nil {
		logs.Errf(log, "main: failed")
		return err
	}
	logs.Noticef(log, "main: OK")
	_, err = fmt.Fprintf(out, "%s\n", jwk)
	return err
}
