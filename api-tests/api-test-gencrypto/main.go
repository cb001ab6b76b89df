// Command api-test-gencrypto is lws's api-test-gencrypto in Go. lws's
// lws_genaes / lws_genec / lws_genrsa wrap OpenSSL or mbedTLS; here Go's
// crypto packages are the facility, and lws's vectors are run against
// them: AES in CBC, CFB128, CFB8, CTR, ECB, OFB, XTS and GCM (lws's own
// vectors and its NIST known-answer matrix, PKCS #7 padding included),
// ECDH on P-256 with RFC 7517's example key, and RSA PKCS #1 v1.5 with
// lws's fixed key. It prints "Completed: PASS" and exits 0, or
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

var errFail = errors.New("api-test-gencrypto: FAIL")

func run(_ context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS gencrypto apis tests")

	result := 0
	fail := func(what string, err error) {
		logs.Errf(log, "%s: %v", what, err)
		result = 1
	}
	n := 0
	for _, c := range aesCases() {
		if err := c.run(); err != nil {
			fail("genaes", err)
		}
		n++
	}
	for _, c := range gcmCases() {
		if err := c.run(); err != nil {
			fail("genaes", err)
		}
		n++
	}
	if result == 0 {
		logs.Noticef(log, "test_genaes: selftest OK (%d vectors)", n)
	}
	if err := testGenEC(); err != nil {
		fail("genec", err)
	} else {
		logs.Noticef(log, "test_genec: selftest OK")
	}
	if err := testGenRSA(); err != nil {
		fail("genrsa", err)
	} else {
		logs.Noticef(log, "test_genrsa: selftest OK")
	}

	if result != 0 {
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}
