// Command minimal-crypto-jwk is lws's minimal-crypto-jwk (lws-crypto-jwk)
// in Go: it generates a random JWK, RSA, EC or oct, with the metadata the
// switches give, and writes it on stdout with its members in RFC 7638
// order; --public also writes the public half to a file, with the
// operations only a private key can do trimmed. Logs go to stderr.
//
//	go run ./crypto/minimal-crypto-jwk -t EC -v P-256 --key-ops "sign verify" --public ec.pub >ec.private
//
// The key generation and the JSON writing that go-jose does not do are in
// the core's lws/jose (lws_jwk_generate, lws_jwk_export).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/jose"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws-crypto-jwk's, with its defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-t", Kind: cmdline.String, Arg: "type", Default: jose.KtyRSA, Help: "key type: RSA, EC or OCT"},
	{Name: "-b", Kind: cmdline.Int, Arg: "bits", Default: "4096", Help: "RSA or OCT key size in bits"},
	{Name: "-v", Aliases: []string{"--curve"}, Kind: cmdline.String, Arg: "curve", Default: "P-256", Help: "EC curve: P-256, P-384 or P-521"},
	{Name: "--kid", Kind: cmdline.String, Arg: "id", Help: "key ID (\"kid\")"},
	{Name: "--use", Kind: cmdline.String, Arg: "use", Help: "intended use (\"use\"): sig or enc; not with --key-ops"},
	{Name: "--alg", Kind: cmdline.String, Arg: "alg", Help: "the algorithm the key is for (\"alg\"), e.g. ES256 or RSA-OAEP"},
	{Name: "--key-ops", Kind: cmdline.String, Arg: "ops", Help: "allowed operations (\"key_ops\"), space separated: sign verify encrypt decrypt wrapKey unwrapKey deriveKey deriveBits; not with --use"},
	{Name: "--public", Kind: cmdline.String, Arg: "file", Help: "also write the public key to this file (RSA and EC)"},
	{Name: "-c", Help: "write the key as a C string"},
}

func main() {
	if len(os.Args) == 1 {
		// As lws's tool: no arguments at all asks for the help.
		os.Args = append(os.Args, "--help")
	}
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error {
		return run(ctx, o, os.Stdout, os.Stderr)
	})
}

// run generates the key, writes the public copy if asked, then the
// private key on out. Nothing reaches out unless everything worked.
// Ctrl-C (ctx) ends it during a long RSA generation.
func run(ctx context.Context, o *cmdline.Values, out, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS JWK example")

	kty := o.String("-t")
	if err := checkMeta(o, kty); err != nil {
		return err
	}
	switch kty {
	case jose.KtyEC:
		logs.Noticef(log, "generating ECDSA key on curve %s", o.String("-v"))
	default:
		logs.Noticef(log, "generating %d-bit %s key", o.Int("-b"), kty)
	}
	// lws_jwk_generate
	key, err := jose.Interruptible(ctx, func() (*jose.Key, error) {
		return jose.Generate(kty, o.Int("-b"), o.String("-v"))
	})
	if err != nil {
		return err
	}
	// lws_jwk_strdup_meta: kid, use, alg, key_ops
	key.KeyID, key.Use, key.Algorithm = o.String("--kid"), o.String("--use"), o.String("--alg")
	if o.Has("--key-ops") {
		key.KeyOps, _ = jose.ParseKeyOps(o.String("--key-ops")) // checked above
	}

	if file := o.String("--public"); file != "" {
		// lws_jwk_export without LWSJWKF_EXPORT_PRIVATE.
		pub, err := key.Export(false)
		if err != nil {
			return err
		}
		if err := writeFile(file, pub, o.Has("-c")); err != nil {
			return fmt.Errorf("can't write public key file: %w", err)
		}
		logs.Noticef(log, "public key written to %s", file)
	}
	// lws_jwk_export with LWSJWKF_EXPORT_PRIVATE, on stdout.
	priv, err := key.Export(true)
	if err != nil {
		return err
	}
	if o.Has("-c") {
		return jose.WriteC(out, string(priv))
	}
	_, err = out.Write(priv)
	return err
}

// checkMeta refuses, before any work, switches that make no key: values
// RFC 7517 does not define, --use with --key-ops (RFC 7517 4.3: they
// SHOULD NOT be used together), and --public for an oct key.
func checkMeta(o *cmdline.Values, kty string) error {
	if use := o.String("--use"); use != "" && use != "sig" && use != "enc" {
		return o.Errorf("--use %q: sig or enc (one of them; --key-ops lists several operations)", use)
	}
	if o.Has("--use") && o.Has("--key-ops") {
		return o.Errorf("--use and --key-ops: give one of them")
	}
	if o.Has("--key-ops") {
		if _, err := jose.ParseKeyOps(o.String("--key-ops")); err != nil {
			return o.Errorf("--key-ops: %v", err)
		}
	}
	if alg := o.String("--alg"); alg != "" {
		_, e1 := jose.SignatureAlgorithm(alg)
		_, e2 := jose.KeyAlgorithm(alg)
		if e1 != nil && e2 != nil {
			return o.Errorf("--alg %q: not a JWS or JWE algorithm lws knows", alg)
		}
	}
	if o.Has("--public") && kty == jose.KtyOct {
		return o.Errorf("--public: an OCT key has no public part")
	}
	if !slices.Contains([]string{jose.KtyRSA, jose.KtyEC, jose.KtyOct}, kty) {
		return o.Errorf("-t %s: unknown key type (must be OCT, RSA or EC)", kty)
	}
	return nil
}

// writeFile writes the public key file, as a C string with -c.
func writeFile(name string, data []byte, c bool) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if c {
		err = jose.WriteC(f, string(data))
	} else {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
