// Command minimal-crypto-jws is lws's minimal-crypto-jws (lws-crypto-jws)
// in Go: with -s <alg> it signs stdin and writes the JWS (compact, or
// flattened JSON with -f) on stdout; without -s it verifies the JWS on
// stdin and, only if the signature is good, writes the payload on stdout
// and exits 0. The key is a JWK file (-k), as minimal-crypto-jwk makes.
// Logs go to stderr.
//
//	echo hello | go run ./crypto/minimal-crypto-jws -s ES256 -k ec.private | go run ./crypto/minimal-crypto-jws -k ec.pub
//
// Signing and verifying are go-jose's (jws.go); the key file, the
// algorithms a key may verify (never "none") and the unsecured "none" JWS
// are the core's lws/jose.
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

// switches are lws-crypto-jws's (lws_switches).
var switches = cmdline.Switches{
	{Name: "-s", Kind: cmdline.String, Arg: "alg", Help: "sign stdin with this algorithm (HS256, RS256, ES256, PS256, EdDSA, ... or none); without -s, verify"},
	{Name: "-k", Kind: cmdline.String, Arg: "jwk file", Help: "the JWK to sign with (private) or verify with (public or private); required"},
	{Name: "-f", Help: "flattened JSON form (RFC 7515 7.2.2) instead of compact, for output when signing, for input when verifying"},
	{Name: "-c", Help: "write the JWS as a C string"},
}

func main() {
	if len(os.Args) == 1 {
		// As lws's tool: no arguments at all asks for the help.
		os.Args = append(os.Args, "--help")
	}
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error {
		return run(ctx, o, os.Stdin, os.Stdout, os.Stderr)
	})
}

// run signs or verifies in, writing the result on out only when it
// worked.
// Ctrl-C (ctx) ends it while it waits for stdin.
func run(ctx context.Context, o *cmdline.Values, in io.Reader, out, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS JWS example tool")
	if !o.Has("-k") {
		return o.Errorf("-k <jwk file> is required")
	}
	// lws_jwk_load: the key file, bounded.
	key, err := jose.LoadKey(o.String("-k"))
	if err != nil {
		return fmt.Errorf("problem loading JWK: %w", err)
	}
	logs.Infof(log, "key: %s", key.Describe())
	// lws reads stdin once into its 4 MiB buffer; so do we, refusing more.
	input, err := jose.ReadInput(ctx, in, "stdin", jose.MaxInput)
	if err != nil {
		return err
	}
	flattened := o.Has("-f")

	if alg := o.String("-s"); o.Has("-s") {
		jws, err := sign(key, alg, input, flattened)
		if err != nil {
			return fmt.Errorf("jws sign: %w", err)
		}
		if o.Has("-c") {
			return jose.WriteC(out, jws)
		}
		_, err = io.WriteString(out, jws)
		return err
	}

	payload, alg, err := verify(key, input, flattened)
	if err != nil {
		logs.Noticef(log, "signature not confirmed")
		return fmt.Errorf("jws verify: %w", err)
	}
	logs.Noticef(log, "VALID (%s)", alg)
	_, err = out.Write(payload)
	return err
}
