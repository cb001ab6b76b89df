// Command minimal-crypto-jwe is lws's minimal-crypto-jwe (lws-crypto-jwe)
// in Go: with -e "<key alg> <enc alg>" it encrypts stdin to a JWE
// (compact, or flattened JSON with -f) on stdout; without -e it decrypts
// the JWE on stdin, the algorithms coming from its header, and writes the
// plaintext on stdout only if it authenticates. The key is a JWK file
// (-k): the public key (or an oct key) to encrypt, the private key to
// decrypt. Logs go to stderr.
//
//	echo hello | go run ./crypto/minimal-crypto-jwe -k key-rsa-4096.pub -e "RSA-OAEP A256GCM" |
//		go run ./crypto/minimal-crypto-jwe -k key-rsa-4096.private
//
// Encryption and decryption are go-jose's (jwe.go); the key file and the
// algorithms a key may decrypt with are the core's lws/jose.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/jose"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws-crypto-jwe's (lws_switches).
var switches = cmdline.Switches{
	{Name: "-e", Kind: cmdline.String, Arg: "key alg> <enc alg", Help: `encrypt stdin, e.g. -e "RSA-OAEP A256GCM" or "RSA1_5 A128CBC-HS256"; without -e, decrypt`},
	{Name: "-k", Kind: cmdline.String, Arg: "jwk file", Help: "the JWK to encrypt to (public or oct) or decrypt with (private or oct); required"},
	{Name: "-f", Help: "flattened JSON form (RFC 7516 7.2.2) instead of compact, for output when encrypting, for input when decrypting"},
	{Name: "-c", Help: "write the JWE as a C string"},
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

// run encrypts or decrypts in, writing the result on out only when it
// worked.
// Ctrl-C (ctx) ends it while it waits for stdin.
func run(ctx context.Context, o *cmdline.Values, in io.Reader, out, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS JWE example tool")
	var alg, enc string
	if o.Has("-e") {
		var ok bool
		if alg, enc, ok = strings.Cut(strings.TrimSpace(o.String("-e")), " "); !ok {
			return o.Errorf(`-e needs "<cek cipher alg> <payload enc alg>", e.g. -e "RSA1_5 A128CBC-HS256"`)
		}
	}
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

	if o.Has("-e") {
		jwe, err := encrypt(key, alg, strings.TrimSpace(enc), input, flattened)
		if err != nil {
			return fmt.Errorf("jwe encrypt: %w", err)
		}
		if o.Has("-c") {
			return jose.WriteC(out, jwe)
		}
		_, err = io.WriteString(out, jwe)
		return err
	}

	plain, alg, enc, err := decrypt(key, input, flattened)
	if err != nil {
		logs.Errf(log, "lws_jwe_auth_and_decrypt failed")
		return fmt.Errorf("jwe decrypt: %w", err)
	}
	logs.Noticef(log, "decrypted (%s, %s)", alg, enc)
	_, err = out.Write(plain)
	return err
}
