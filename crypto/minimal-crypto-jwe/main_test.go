package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/lws-go/lws-go/lws/jose"
)

// tool runs the tool in-process with stdin in and the command line args.
func tool(t *testing.T, in []byte, args ...string) (string, string, error) {
	t.Helper()
	var out, log bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"minimal-crypto-jwe"}, args...)), bytes.NewReader(in), &out, &log)
	return out.String(), log.String(), err
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// keyFiles generates a key and writes its private and public JWK files
// (the same file twice for an oct key).
func keyFiles(t *testing.T, kty string, bits int, curve string) (private, public string) {
	t.Helper()
	k, err := jose.Generate(kty, bits, curve)
	if err != nil {
		t.Fatal(err)
	}
	return saveKey(t, k)
}

func saveKey(t *testing.T, k *jose.Key) (private, public string) {
	t.Helper()
	priv, err := k.Export(true)
	if err != nil {
		t.Fatal(err)
	}
	private = writeTemp(t, "key.private", priv)
	if k.Symmetric() {
		return private, private
	}
	pub, err := k.Export(false)
	if err != nil {
		t.Fatal(err)
	}
	return private, writeTemp(t, "key.pub", pub)
}

// RFC 7516 appendix A: A.1 (RSA-OAEP, A256GCM), A.2 (RSA1_5,
// A128CBC-HS256) and A.3 (A128KW, A128CBC-HS256) decrypt to their
// plaintexts.
func TestRFC7516(t *testing.T) {
	for _, name := range []string{"a1", "a2", "a3"} {
		base := filepath.Join("testdata", "rfc7516-"+name)
		out, log, err := tool(t, readFile(t, base+".jwe"), "-k", base+".jwk")
		if want := string(readFile(t, base+".txt")); err != nil || out != want {
			t.Errorf("A.%s: %v, %q, want %q\n%s", name[1:], err, out, want, log)
		}
	}
}

// cookbook is an RFC 7520 JWE example as the JOSE cookbook files hold it.
type cookbook struct {
	Input struct {
		Plaintext string          `json:"plaintext"`
		Key       json.RawMessage `json:"key"`
		Alg       string          `json:"alg"`
		Enc       string          `json:"enc"`
	} `json:"input"`
	Output struct {
		Compact  string          `json:"compact"`
		JSON     json.RawMessage `json:"json"`
		JSONFlat json.RawMessage `json:"json_flat"`
	} `json:"output"`
}

// RFC 7520 section 5: 5.1 (RSA1_5), 5.2 (RSA-OAEP), 5.4
// (ECDH-ES+A128KW on P-384), 5.5 (ECDH-ES direct), 5.6 (dir), 5.7
// (A256GCMKW) and 5.8 (A128KW) decrypt in compact, flattened and general
// JSON form, with the cookbook's keys (kid, use "enc").
func TestRFC7520(t *testing.T) {
	files, _ := filepath.Glob("testdata/rfc7520-5.*.json")
	if len(files) != 7 {
		t.Fatalf("%d RFC 7520 files", len(files))
	}
	for _, f := range files {
		var c cookbook
		if err := json.Unmarshal(readFile(t, f), &c); err != nil {
			t.Fatal(err)
		}
		key := writeTemp(t, "key.jwk", c.Input.Key)
		for _, form := range []struct {
			in   []byte
			args []string
		}{
			{[]byte(c.Output.Compact), nil},
			{c.Output.JSONFlat, []string{"-f"}},
			{c.Output.JSON, []string{"-f"}},
		} {
			out, log, err := tool(t, form.in, append(form.args, "-k", key)...)
			if err != nil || out != c.Input.Plaintext {
				t.Errorf("%s %v: %v, %q", f, form.args, err, out)
			}
			if want := "N: decrypted (" + c.Input.Alg + ", " + c.Input.Enc + ")"; !strings.Contains(log, want) {
				t.Errorf("%s: log lacks %q:\n%s", f, want, log)
			}
		}
	}
}

// Every key algorithm of lws's table with every content encryption, each
// with a key that fits, compact and flattened: encrypting to the public
// key and decrypting with the private one gives the plaintext back.
func TestEncryptDecryptRoundTrip(t *testing.T) {
	plain := []byte("binary \x00\xff\r\n plaintext")
	rsaPriv, rsaPub := keyFiles(t, jose.KtyRSA, 2048, "")
	ec := map[string][2]string{}
	for _, c := range []string{"P-256", "P-384", "P-521"} {
		p, q := keyFiles(t, jose.KtyEC, 0, c)
		ec[c] = [2]string{p, q}
	}
	octs := map[int]string{}
	for _, bits := range []int{128, 192, 256, 384, 512} {
		octs[bits], _ = keyFiles(t, jose.KtyOct, bits, "")
	}
	// dir uses the oct key as the CEK: its size is the enc's.
	dirBits := map[gojose.ContentEncryption]int{
		gojose.A128GCM: 128, gojose.A192GCM: 192, gojose.A256GCM: 256,
		gojose.A128CBC_HS256: 256, gojose.A192CBC_HS384: 384, gojose.A256CBC_HS512: 512,
	}
	n := 0
	for _, alg := range jose.KeyAlgorithms {
		for _, enc := range jose.ContentEncryptions {
			var pairs [][2]string
			switch a := string(alg); {
			case strings.HasPrefix(a, "RSA"):
				pairs = [][2]string{{rsaPub, rsaPriv}}
			case strings.HasPrefix(a, "ECDH-ES"):
				for _, p := range ec {
					pairs = append(pairs, [2]string{p[1], p[0]})
				}
			case a == "dir":
				pairs = [][2]string{{octs[dirBits[enc]], octs[dirBits[enc]]}}
			default: // A128KW, A192GCMKW, ...
				bits := map[string]int{"A128": 128, "A192": 192, "A256": 256}[a[:4]]
				pairs = [][2]string{{octs[bits], octs[bits]}}
			}
			for _, p := range pairs {
				for _, flat := range []bool{false, true} {
					args := []string{"-e", string(alg) + " " + string(enc), "-k", p[0]}
					dargs := []string{"-k", p[1]}
					if flat {
						args, dargs = append(args, "-f"), append(dargs, "-f")
					}
					jwe, _, err := tool(t, plain, args...)
					if err != nil {
						t.Fatalf("%v: %v", args, err)
					}
					if !flat && strings.Count(jwe, ".") != 4 {
						t.Errorf("%v: not compact: %s", args, jwe)
					}
					out, _, err := tool(t, []byte(jwe+"\n"), dargs...)
					if err != nil || out != string(plain) {
						t.Errorf("%v: decrypt: %v %q", args, err, out)
					}
					n++
				}
			}
		}
	}
	if n < 200 {
		t.Errorf("only %d combinations ran", n)
	}
}

// flip changes one character in the middle of a base64url string.
func flip(s string) string {
	if s == "" {
		return "A"
	}
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// Each of the five parts of a compact JWE corrupted, and each member of
// the flattened form: the run fails and nothing reaches stdout, for a key
// wrap (RSA-OAEP + AES-GCM) and a MAC-then-decrypt mode (A128KW +
// A128CBC-HS256).
func TestMalformedJWE(t *testing.T) {
	rsaPriv, rsaPub := keyFiles(t, jose.KtyRSA, 2048, "")
	oct, _ := keyFiles(t, jose.KtyOct, 128, "")
	for _, tc := range []struct{ e, enc, dec string }{
		{"RSA-OAEP A256GCM", rsaPub, rsaPriv},
		{"A128KW A128CBC-HS256", oct, oct},
	} {
		good, _, err := tool(t, []byte("secret message"), "-e", tc.e, "-k", tc.enc)
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Split(good, ".")
		cases := map[string]string{
			"empty":                "",
			"four parts":           strings.Join(p[:4], "."),
			"six parts":            good + ".AAAA",
			"header not base64url": "!!." + strings.Join(p[1:], "."),
			"header not JSON":      base64.RawURLEncoding.EncodeToString([]byte(`{"alg":`)) + "." + strings.Join(p[1:], "."),
			"header without enc":   base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"`+strings.Fields(tc.e)[0]+`"}`)) + "." + strings.Join(p[1:], "."),
			"header enc swapped":   base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"`+strings.Fields(tc.e)[0]+`","enc":"A192GCM"}`)) + "." + strings.Join(p[1:], "."),
			"whitespace inside":    p[0] + ". " + strings.Join(p[1:], "."),
		}
		for i, part := range []string{"header", "encrypted key", "iv", "ciphertext", "tag"} {
			q := append([]string(nil), p...)
			q[i] = flip(q[i])
			cases[part+" flipped"] = strings.Join(q, ".")
			q[i] = q[i][:len(q[i])/2]
			cases[part+" truncated"] = strings.Join(q, ".")
			q[i] = ""
			cases[part+" empty"] = strings.Join(q, ".")
		}
		for name, jwe := range cases {
			if out, _, err := tool(t, []byte(jwe), "-k", tc.dec); err == nil || out != "" {
				t.Errorf("%s, %s: decrypted %q", tc.e, name, out)
			}
		}
		flat, _, err := tool(t, []byte("secret message"), "-e", tc.e, "-f", "-k", tc.enc)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(flat), &m); err != nil {
			t.Fatal(err)
		}
		for member := range m {
			for how, change := range map[string]func(map[string]string){
				"missing": func(c map[string]string) { delete(c, member) },
				"flipped": func(c map[string]string) { c[member] = flip(c[member]) },
			} {
				c := map[string]string{}
				for k, v := range m {
					c[k] = v
				}
				change(c)
				in, _ := json.Marshal(c)
				if out, _, err := tool(t, in, "-f", "-k", tc.dec); err == nil || out != "" {
					t.Errorf("%s flattened, %s %s: decrypted %q", tc.e, member, how, out)
				}
			}
		}
		// Additional authenticated data that was not there: the tag
		// covers it, so adding it fails too.
		m["aad"] = "ZXh0cmE"
		in, _ := json.Marshal(m)
		if out, _, err := tool(t, in, "-f", "-k", tc.dec); err == nil || out != "" {
			t.Errorf("%s flattened with aad added: decrypted %q", tc.e, out)
		}
	}
}

// Keys that cannot do what is asked are refused: decrypting with a
// public key or someone else's key, a JWE whose alg the key is not for
// ("dir" to an RSA key, RSA-OAEP to an oct key), encrypting with a key
// of the wrong type or size, keys whose use, key_ops or alg forbid it,
// and -e that names no algorithm lws knows.
func TestWrongKeys(t *testing.T) {
	rsaPriv, rsaPub := keyFiles(t, jose.KtyRSA, 2048, "")
	otherRSA, _ := keyFiles(t, jose.KtyRSA, 2048, "")
	ecPriv, ecPub := keyFiles(t, jose.KtyEC, 0, "P-256")
	oct128, _ := keyFiles(t, jose.KtyOct, 128, "")
	oct256, _ := keyFiles(t, jose.KtyOct, 256, "")
	toRSA, _, _ := tool(t, []byte("x"), "-e", "RSA-OAEP A128GCM", "-k", rsaPub)
	rsa15, _, _ := tool(t, []byte("x"), "-e", "RSA1_5 A128CBC-HS256", "-k", rsaPub)
	toEC, _, _ := tool(t, []byte("x"), "-e", "ECDH-ES+A128KW A128GCM", "-k", ecPub)
	dir, _, _ := tool(t, []byte("x"), "-e", "dir A128GCM", "-k", oct128)
	for _, tc := range []struct{ jwe, key string }{
		{toRSA, rsaPub}, {toRSA, otherRSA}, {rsa15, otherRSA}, {toRSA, oct256}, {toRSA, ecPriv},
		{toEC, ecPub}, {toEC, rsaPriv}, {dir, rsaPriv}, {dir, oct256},
	} {
		if out, _, err := tool(t, []byte(tc.jwe), "-k", tc.key); err == nil || out != "" {
			t.Errorf("%.30s... with %s: decrypted %q", tc.jwe, tc.key, out)
		}
	}
	for _, args := range [][]string{
		{"-e", "RSA-OAEP A128GCM", "-k", ecPub},
		{"-e", "ECDH-ES A128GCM", "-k", rsaPub},
		{"-e", "A128KW A128GCM", "-k", rsaPub},
		{"-e", "A256KW A128GCM", "-k", oct128},
		{"-e", "dir A256GCM", "-k", oct128},
		{"-e", "RSA-OAEP", "-k", rsaPub},
		{"-e", "RSA-OAEP XYZ", "-k", rsaPub},
		{"-e", "PBES2-HS256+A128KW A128GCM", "-k", oct128},
		{"-e", "none A128GCM", "-k", oct128},
		{"-e", "", "-k", rsaPub},
	} {
		if out, _, err := tool(t, []byte("x"), args...); err == nil || out != "" {
			t.Errorf("%v: encrypted %q", args, out)
		}
	}
	k, _ := jose.ParseKey(readFile(t, rsaPriv))
	k.Use = "sig"
	sigKey, sigPub := saveKey(t, k)
	k.Use, k.KeyOps = "", []string{"encrypt", "decrypt"}
	noWrap, noWrapPub := saveKey(t, k)
	k.KeyOps, k.Algorithm = nil, "RSA-OAEP-256"
	oaep256, oaep256Pub := saveKey(t, k)
	for _, key := range []string{sigPub, noWrapPub, oaep256Pub} {
		if out, _, err := tool(t, []byte("x"), "-e", "RSA-OAEP A128GCM", "-k", key); err == nil || out != "" {
			t.Errorf("%s: encrypted %q", key, out)
		}
	}
	for _, key := range []string{sigKey, noWrap, oaep256} {
		if out, _, err := tool(t, []byte(toRSA), "-k", key); err == nil || out != "" {
			t.Errorf("%s: decrypted %q", key, out)
		}
	}
	if _, _, err := tool(t, []byte(toRSA), "-k", rsaPriv); err != nil {
		t.Errorf("the right key: %v", err)
	}
}

// A deflate bomb: a "zip":"DEF" JWE whose content inflates to far more
// than it holds is refused (go-jose's inflate limit), not expanded.
func TestDeflateBomb(t *testing.T) {
	oct, _ := keyFiles(t, jose.KtyOct, 128, "")
	k, err := jose.LoadKey(oct)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := gojose.NewEncrypter(gojose.A128GCM, gojose.Recipient{Algorithm: gojose.DIRECT, Key: k.Key}, &gojose.EncrypterOptions{Compression: gojose.DEFLATE})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := enc.Encrypt(bytes.Repeat([]byte{0}, 64<<20))
	if err != nil {
		t.Fatal(err)
	}
	bomb, _ := obj.CompactSerialize()
	if len(bomb) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	if out, _, err := tool(t, []byte(bomb), "-k", oct); err == nil || len(out) != 0 {
		t.Errorf("a 64 MiB deflate bomb in %d bytes: %v, %d bytes out", len(bomb), err, len(out))
	}
	// A small compressed JWE is fine.
	obj, _ = enc.Encrypt([]byte("hello hello hello hello"))
	small, _ := obj.CompactSerialize()
	if out, _, err := tool(t, []byte(small), "-k", oct); err != nil || out != "hello hello hello hello" {
		t.Errorf("compressed JWE: %v %q", err, out)
	}
}

// stdin is read up to jose.MaxInput bytes: one byte more is refused
// without reading the rest.
func TestOversizedStdin(t *testing.T) {
	_, pub := keyFiles(t, jose.KtyEC, 0, "P-256")
	for _, args := range [][]string{{"-e", "ECDH-ES A128GCM", "-k", pub}, {"-k", pub}} {
		src := &endless{}
		var out, log bytes.Buffer
		err := run(context.Background(), switches.MustParse(append([]string{"minimal-crypto-jwe"}, args...)), src, &out, &log)
		var tl *jose.TooLargeError
		if !errors.As(err, &tl) || out.Len() != 0 {
			t.Errorf("%v: endless stdin: %v, %d bytes out", args, err, out.Len())
		}
		if src.n > jose.MaxInput+64<<10 {
			t.Errorf("%v: read %d bytes of an endless stdin", args, src.n)
		}
	}
	exact := bytes.Repeat([]byte("a"), jose.MaxInput)
	if _, _, err := tool(t, exact, "-e", "ECDH-ES A128GCM", "-k", pub); err != nil {
		t.Errorf("exactly %d bytes: %v", jose.MaxInput, err)
	}
}

type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.n += len(p)
	return len(p), nil
}

// -k is required, and a key file must be a JWK.
func TestKeyFile(t *testing.T) {
	if _, _, err := tool(t, []byte("x"), "-e", "dir A128GCM"); err == nil || !strings.Contains(err.Error(), "-k <jwk file> is required") {
		t.Errorf("no -k: %v", err)
	}
	for _, data := range [][]byte{[]byte(`{"kty":"RSA"`), []byte("-----BEGIN PRIVATE KEY-----\n"), bytes.Repeat([]byte(" "), jose.MaxKeyFile+1)} {
		if out, _, err := tool(t, []byte("x"), "-e", "dir A128GCM", "-k", writeTemp(t, "bad.jwk", data)); err == nil || out != "" {
			t.Errorf("%.20q: encrypted %q", data, out)
		}
	}
}

// -c writes the JWE as a C string.
func TestCString(t *testing.T) {
	oct, _ := keyFiles(t, jose.KtyOct, 128, "")
	out, _, err := tool(t, []byte("hello"), "-e", "A128KW A128GCM", "-k", oct, "-c")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		l = strings.TrimSpace(l)
		b.WriteString(strings.TrimSuffix(strings.TrimPrefix(l, `"`), `"`))
	}
	if back, _, err := tool(t, []byte(b.String()), "-k", oct); err != nil || back != "hello" {
		t.Errorf("C string does not decrypt: %v\n%s", err, out)
	}
}
