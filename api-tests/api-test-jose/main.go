// Command api-test-jose is lws's api-test-jose in Go, with go-jose v4 as
// the JOSE implementation and lws's vectors (vectors.go): RFC 7517 JWK
// imports; RFC 7515 JWS none, HS256, RS256, ES256, ES512 and RFC 8037 EdDSA
// worked examples, verified and signed afresh, and a JWT with an x5t
// header; RFC 7516 JWE appendix cases, RSA-OAEP round trips over several
// keys and content encryptions, lws's AES key wrap JWEs, ECDH-ES (direct
// and with key wrap) on P-256, P-384 and P-521, the JSON serialisation
// with two recipients, the RFC 7518 C key derivation, and RSA1_5 refused
// as lws refuses it. It prints "Completed: PASS" and exits 0, or
// "Completed: FAIL" and exits 1.
package main

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws's: only the builtins.
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFail = errors.New("api-test-jose: FAIL")

func run(_ context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS JOSE api tests")

	result := 0
	for _, c := range jwkCases {
		if err := c.run(); err != nil {
			logs.Errf(log, "test_jwk: %v", err)
			result = 1
		}
	}
	logs.Noticef(log, "test_jwk: %d", result)
	for _, set := range []struct {
		name  string
		tests []struct {
			name string
			fn   func() error
		}
	}{{"test_jws", jwsTests}, {"test_jwe", jweTests}} {
		for _, t := range set.tests {
			if err := t.fn(); err != nil {
				logs.Errf(log, "%s: %s: %v", set.name, t.name, err)
				result = 1
			}
		}
		logs.Noticef(log, "%s: %d", set.name, result)
	}
	if result != 0 {
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}
