package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws/jose"
)

// tool runs the tool in-process with stdin in and the command line args.
func tool(t *testing.T, in []byte, args ...string) (string, string, error) {
	t.Helper()
	var out, log bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"minimal-crypto-jws"}, args...)), bytes.NewReader(in), &out, &log)
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

// writeKey generates a key and writes its private and public JWK files.
func writeKey(t *testing.T, kty string, bits int, curve string) (private, public string) {
	t.Helper()
	k, err := jose.Generate(kty, bits, curve)
	if err != nil {
		t.Fatal(err)
	}
	return saveKey(t, k)
}

func saveKey(t *testing.T, k *jose.Key) (private, public string) {
	t.Helper()
	dir := t.TempDir()
	priv, err := k.Export(true)
	if err != nil {
		t.Fatal(err)
	}
	private = filepath.Join(dir, "key.private")
	if err := os.WriteFile(private, priv, 0o600); err != nil {
		t.Fatal(err)
	}
	if k.Symmetric() {
		return private, private
	}
	pub, err := k.Export(false)
	if err != nil {
		t.Fatal(err)
	}
	public = filepath.Join(dir, "key.pub")
	if err := os.WriteFile(public, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	return private, public
}

// The JWT claims that RFC 7515's appendix A examples sign.
const rfc7515Claims = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"

// RFC 7515 appendix A: A.1 (HS256), A.2 (RS256), A.3 (ES256) and A.4
// (ES512) verify and give their payload; RS256 being deterministic, A.2
// signed again is byte for byte the RFC's JWS.
func TestRFC7515(t *testing.T) {
	for _, tc := range []struct{ name, payload string }{
		{"a1", rfc7515Claims}, {"a2", rfc7515Claims}, {"a3", rfc7515Claims}, {"a4", "Payload"},
	} {
		key := filepath.Join("testdata", "rfc7515-"+tc.name+".jwk")
		out, log, err := tool(t, readFile(t, filepath.Join("testdata", "rfc7515-"+tc.name+".jws")), "-k", key)
		if err != nil || out != tc.payload || !strings.Contains(log, "N: VALID") {
			t.Errorf("A.%s: %v, payload %q\n%s", tc.name[1:], err, out, log)
		}
	}
	out, _, err := tool(t, []byte(rfc7515Claims), "-s", "RS256", "-k", "testdata/rfc7515-a2.jwk")
	if want := string(readFile(t, "testdata/rfc7515-a2.jws")); err != nil || out != want {
		t.Errorf("A.2 signed again: %v\n%s\nwant\n%s", err, out, want)
	}
}

// cookbook is an RFC 7520 example as the JOSE cookbook files hold it.
type cookbook struct {
	Input struct {
		Payload string          `json:"payload"`
		Key     json.RawMessage `json:"key"`
		Alg     string          `json:"alg"`
	} `json:"input"`
	Output struct {
		Compact  string          `json:"compact"`
		JSON     json.RawMessage `json:"json"`
		JSONFlat json.RawMessage `json:"json_flat"`
	} `json:"output"`
}

func readCookbook(t *testing.T, name string) (cookbook, string) {
	t.Helper()
	var c cookbook
	if err := json.Unmarshal(readFile(t, filepath.Join("testdata", name)), &c); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(t.TempDir(), "key.jwk")
	if err := os.WriteFile(key, c.Input.Key, 0o600); err != nil {
		t.Fatal(err)
	}
	return c, key
}

// RFC 7520 section 4: RS256 (4.1), PS384 (4.2), ES512 (4.3) and HS256
// (4.4) with the cookbook's keys (which carry kid, use and for 4.4 alg):
// the compact form verifies, and so do the flattened and general JSON
// forms with -f.
func TestRFC7520(t *testing.T) {
	for _, name := range []string{"rfc7520-4.1.json", "rfc7520-4.2.json", "rfc7520-4.3.json", "rfc7520-4.4.json"} {
		c, key := readCookbook(t, name)
		for _, form := range []struct {
			in   []byte
			args []string
		}{
			{[]byte(c.Output.Compact), nil},
			{c.Output.JSONFlat, []string{"-f"}},
			{c.Output.JSON, []string{"-f"}},
		} {
			out, _, err := tool(t, form.in, append(form.args, "-k", key)...)
			if err != nil || out != c.Input.Payload {
				t.Errorf("%s %v: %v, payload %q", name, form.args, err, out)
			}
		}
		// The compact form is not taken for the flattened one, nor back.
		if _, _, err := tool(t, []byte(c.Output.Compact), "-f", "-k", key); err == nil {
			t.Errorf("%s: compact JWS accepted with -f", name)
		}
		if _, _, err := tool(t, c.Output.JSONFlat, "-k", key); err == nil {
			t.Errorf("%s: flattened JWS accepted without -f", name)
		}
	}
	// RFC 7520 4.4 is deterministic, but its header carries a kid, and
	// this tool writes lws's {"alg":"HS256"}: signing the cookbook's
	// payload with its key gives HMAC-SHA256 over that header and the
	// cookbook's base64url payload.
	c, key := readCookbook(t, "rfc7520-4.4.json")
	out, _, err := tool(t, []byte(c.Input.Payload), "-s", "HS256", "-k", key)
	if err != nil {
		t.Fatal(err)
	}
	var k struct{ K string }
	_ = json.Unmarshal(c.Input.Key, &k)
	secret, _ := base64.RawURLEncoding.DecodeString(k.K)
	input := "eyJhbGciOiJIUzI1NiJ9." + strings.Split(c.Output.Compact, ".")[1]
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	if want := input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); out != want {
		t.Errorf("4.4 signed again:\n%s\nwant\n%s", out, want)
	}
}

// Every algorithm signs and verifies its own output, compact and
// flattened; the flattened form has exactly payload, protected and
// signature; the payload comes back byte for byte, binary included.
func TestSignVerifyRoundTrip(t *testing.T) {
	payload := []byte("binary \x00\xff\r\n payload")
	keys := map[string][2]string{}
	keys["RSA"] = pair(writeKey(t, jose.KtyRSA, 2048, ""))
	keys["P-256"] = pair(writeKey(t, jose.KtyEC, 0, "P-256"))
	keys["P-384"] = pair(writeKey(t, jose.KtyEC, 0, "P-384"))
	keys["P-521"] = pair(writeKey(t, jose.KtyEC, 0, "P-521"))
	keys["oct"] = pair(writeKey(t, jose.KtyOct, 512, ""))
	for alg, kind := range map[string]string{
		"RS256": "RSA", "RS384": "RSA", "RS512": "RSA", "PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
		"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "HS256": "oct", "HS384": "oct", "HS512": "oct",
	} {
		k := keys[kind]
		for _, flat := range []bool{false, true} {
			args := []string{"-s", alg, "-k", k[0]}
			vargs := []string{"-k", k[1]}
			if flat {
				args, vargs = append(args, "-f"), append(vargs, "-f")
			}
			jws, _, err := tool(t, payload, args...)
			if err != nil {
				t.Fatalf("%s: %v", alg, err)
			}
			if flat {
				var m map[string]any
				if err := json.Unmarshal([]byte(jws), &m); err != nil || len(m) != 3 || m["payload"] == nil || m["protected"] == nil || m["signature"] == nil {
					t.Errorf("%s: not the flattened form: %s", alg, jws)
				}
			} else if strings.Count(jws, ".") != 2 || !strings.HasPrefix(jws, base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"`+alg+`"}`))+".") {
				t.Errorf("%s: not lws's compact form: %s", alg, jws)
			}
			out, _, err := tool(t, []byte(jws+"\n"), vargs...)
			if err != nil || out != string(payload) {
				t.Errorf("%s flattened=%v: verify: %v %q", alg, flat, err, out)
			}
		}
	}
}

func pair(private, public string) [2]string { return [2]string{private, public} }

// The unsecured JWS: RFC 7515 A.5 and this tool's own "-s none" output
// are refused by every key, compact and flattened; "-s none" is made
// only when asked for by name.
func TestNoneRefused(t *testing.T) {
	a5 := readFile(t, "testdata/rfc7515-a5.jws")
	for _, kind := range []struct {
		kty   string
		bits  int
		curve string
	}{{jose.KtyRSA, 2048, ""}, {jose.KtyEC, 0, "P-256"}, {jose.KtyOct, 256, ""}} {
		priv, pub := writeKey(t, kind.kty, kind.bits, kind.curve)
		if out, _, err := tool(t, a5, "-k", pub); err == nil || out != "" || !strings.Contains(err.Error(), `"none"`) {
			t.Errorf("%s: RFC 7515 A.5 (none): %v, %q", kind.kty, err, out)
		}
		own, _, err := tool(t, []byte(rfc7515Claims), "-s", "none", "-k", priv)
		if err != nil || own != string(a5) {
			t.Errorf("-s none: %v\n%s\nwant RFC 7515 A.5\n%s", err, own, a5)
		}
		flat, _, _ := tool(t, []byte("x"), "-s", "none", "-f", "-k", priv)
		if out, _, err := tool(t, []byte(flat), "-f", "-k", pub); err == nil || out != "" {
			t.Errorf("%s: flattened none accepted: %q", kind.kty, out)
		}
	}
	for _, alg := range []string{"None", "NONE", ""} {
		if _, _, err := tool(t, []byte("x"), "-s", alg, "-k", "testdata/rfc7515-a1.jwk"); err == nil {
			t.Errorf("-s %q signed", alg)
		}
	}
}

// b64 and unb64 are base64url without padding.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// Each part of a compact JWS corrupted in turn, and the flattened form's
// members: nothing reaches stdout and the run fails.
func TestMalformedJWS(t *testing.T) {
	priv, pub := writeKey(t, jose.KtyEC, 0, "P-256")
	good, _, err := tool(t, []byte("payload"), "-s", "ES256", "-k", priv)
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(good, ".")
	flip := func(s string) string { // change one character in the middle
		b := []byte(s)
		i := len(b) / 2
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for name, jws := range map[string]string{
		"empty":                 "",
		"one part":              p[0],
		"two parts":             p[0] + "." + p[1],
		"four parts":            good + "." + p[2],
		"header not base64url":  "!!!." + p[1] + "." + p[2],
		"header not JSON":       b64(`{"alg":"ES256"`) + "." + p[1] + "." + p[2],
		"header without alg":    b64(`{"typ":"JWT"}`) + "." + p[1] + "." + p[2],
		"header changed":        b64(`{"alg":"ES256","x":1}`) + "." + p[1] + "." + p[2],
		"header alg swapped":    b64(`{"alg":"ES384"}`) + "." + p[1] + "." + p[2],
		"payload changed":       p[0] + "." + b64("payloaD") + "." + p[2],
		"payload not base64url": p[0] + ".pay$load." + p[2],
		"signature flipped":     p[0] + "." + p[1] + "." + flip(p[2]),
		"signature truncated":   p[0] + "." + p[1] + "." + p[2][:len(p[2])-4],
		"signature empty":       p[0] + "." + p[1] + ".",
		"signature padded":      good + "==",
		"whitespace inside":     p[0] + ". " + p[1] + "." + p[2],
	} {
		if out, _, err := tool(t, []byte(jws), "-k", pub); err == nil || out != "" {
			t.Errorf("%s: accepted, payload %q", name, out)
		}
	}
	flat, _, err := tool(t, []byte("payload"), "-s", "ES256", "-f", "-k", priv)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(flat), &m); err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{"payload", "protected", "signature"} {
		for how, change := range map[string]func(map[string]string){
			"missing": func(c map[string]string) { delete(c, member) },
			"flipped": func(c map[string]string) { c[member] = flip(c[member]) },
			"empty":   func(c map[string]string) { c[member] = "" },
		} {
			c := map[string]string{}
			for k, v := range m {
				c[k] = v
			}
			change(c)
			in, _ := json.Marshal(c)
			if out, _, err := tool(t, in, "-f", "-k", pub); err == nil || out != "" {
				t.Errorf("flattened, %s %s: accepted, payload %q", member, how, out)
			}
		}
	}
	for name, in := range map[string]string{
		"not JSON":  flat[:len(flat)-1],
		"JSON list": "[" + flat + "]",
		"two JWS":   flat + flat,
	} {
		if out, _, err := tool(t, []byte(in), "-f", "-k", pub); err == nil || out != "" {
			t.Errorf("flattened, %s: accepted, payload %q", name, out)
		}
	}
}

// Keys of the wrong type, curve or metadata are refused, signing and
// verifying: no HMAC keyed with a public key, no ES256 with an RSA or
// P-384 key, no signing with a public key, and a key's use, key_ops and
// alg apply.
func TestWrongKeys(t *testing.T) {
	rsaPriv, rsaPub := writeKey(t, jose.KtyRSA, 2048, "")
	ecPriv, ecPub := writeKey(t, jose.KtyEC, 0, "P-256")
	p384Priv, p384Pub := writeKey(t, jose.KtyEC, 0, "P-384")
	oct, _ := writeKey(t, jose.KtyOct, 256, "")
	short, _ := writeKey(t, jose.KtyOct, 128, "") // RFC 7518 3.2: at least the hash's size
	for _, tc := range [][]string{
		{"-s", "HS256", "-k", short},
		{"-s", "HS512", "-k", oct},
		{"-s", "ES256", "-k", rsaPriv},
		{"-s", "RS256", "-k", ecPriv},
		{"-s", "ES256", "-k", p384Priv},
		{"-s", "HS256", "-k", ecPriv},
		{"-s", "HS256", "-k", rsaPriv},
		{"-s", "RS256", "-k", oct},
		{"-s", "RS256", "-k", rsaPub},
		{"-s", "ES256", "-k", ecPub},
		{"-s", "XS256", "-k", ecPriv},
	} {
		if out, _, err := tool(t, []byte("x"), tc...); err == nil || out != "" {
			t.Errorf("%v: signed %q", tc, out)
		}
	}
	// Verifying with the wrong key: each of these tokens is good for its
	// own key.
	es256, _, _ := tool(t, []byte("x"), "-s", "ES256", "-k", ecPriv)
	rs256, _, _ := tool(t, []byte("x"), "-s", "RS256", "-k", rsaPriv)
	// The classic confusion: an HMAC keyed with the RSA public key's
	// bytes, hoping the verifier takes the header's word for the alg.
	pubBytes := readFile(t, rsaPub)
	confused, _, err := tool(t, []byte("x"), "-s", "HS256", "-k", octKeyFile(t, pubBytes))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ jws, key string }{
		{es256, rsaPub}, {es256, p384Pub}, {es256, oct}, {rs256, ecPub}, {rs256, oct}, {confused, rsaPub}, {confused, rsaPriv},
	} {
		if out, _, err := tool(t, []byte(tc.jws), "-k", tc.key); err == nil || out != "" {
			t.Errorf("%.20s... with %s: verified %q", tc.jws, tc.key, out)
		}
	}
	// Metadata: a key for encryption, a key whose key_ops say verify
	// only, a key whose alg is PS256.
	k, _ := jose.ParseKey(readFile(t, rsaPriv))
	k.Use = "enc"
	encKey, _ := saveKey(t, k)
	k.Use, k.KeyOps = "", []string{"verify"}
	verifyOnly, _ := saveKey(t, k)
	k.KeyOps, k.Algorithm = nil, "PS256"
	psOnly, _ := saveKey(t, k)
	for _, tc := range [][]string{{"-s", "RS256", "-k", encKey}, {"-s", "RS256", "-k", verifyOnly}, {"-s", "RS256", "-k", psOnly}} {
		if out, _, err := tool(t, []byte("x"), tc...); err == nil || out != "" {
			t.Errorf("%v: signed %q", tc, out)
		}
	}
	for _, key := range []string{encKey, psOnly} {
		if out, _, err := tool(t, []byte(rs256), "-k", key); err == nil || out != "" {
			t.Errorf("RS256 with %s: verified %q", key, out)
		}
	}
	if out, _, err := tool(t, []byte(rs256), "-k", verifyOnly); err != nil || out != "x" {
		t.Errorf("key_ops verify: %v %q", err, out)
	}
}

// octKeyFile writes secret as an oct JWK.
func octKeyFile(t *testing.T, secret []byte) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "oct.jwk")
	if err := os.WriteFile(name, []byte(`{"kty":"oct","k":"`+base64.RawURLEncoding.EncodeToString(secret)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// Key files: missing -k, no such file, not a JWK, truncated, too large.
func TestBadKeyFiles(t *testing.T) {
	priv, _ := writeKey(t, jose.KtyEC, 0, "P-256")
	whole := readFile(t, priv)
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.jwk")
	_ = os.WriteFile(truncated, whole[:len(whole)/2], 0o600)
	huge := filepath.Join(dir, "huge.jwk")
	_ = os.WriteFile(huge, bytes.Repeat([]byte(" "), jose.MaxKeyFile+1), 0o600)
	notJWK := filepath.Join(dir, "cert.pem")
	_ = os.WriteFile(notJWK, []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), 0o600)
	if _, _, err := tool(t, []byte("x"), "-s", "ES256"); err == nil || !strings.Contains(err.Error(), "-k <jwk file> is required") {
		t.Errorf("no -k: %v", err)
	}
	for _, key := range []string{filepath.Join(dir, "none.jwk"), truncated, huge, notJWK} {
		if out, _, err := tool(t, []byte("x"), "-s", "ES256", "-k", key); err == nil || out != "" {
			t.Errorf("%s: signed %q", key, out)
		}
	}
}

// stdin is read up to jose.MaxInput bytes: one byte more is refused
// without reading the rest, signing or verifying.
func TestOversizedStdin(t *testing.T) {
	priv, _ := writeKey(t, jose.KtyOct, 256, "")
	exact := bytes.Repeat([]byte("a"), jose.MaxInput)
	if out, _, err := tool(t, exact, "-s", "HS256", "-k", priv); err != nil || out == "" {
		t.Fatalf("a payload of exactly %d bytes: %v", jose.MaxInput, err)
	}
	for _, args := range [][]string{{"-s", "HS256", "-k", priv}, {"-k", priv}} {
		src := &endless{}
		var out, log bytes.Buffer
		err := run(context.Background(), switches.MustParse(append([]string{"minimal-crypto-jws"}, args...)), src, &out, &log)
		var tl *jose.TooLargeError
		if !errors.As(err, &tl) || out.Len() != 0 {
			t.Errorf("%v: endless stdin: %v, %d bytes out", args, err, out.Len())
		}
		if src.n > jose.MaxInput+64<<10 {
			t.Errorf("%v: read %d bytes of an endless stdin for a %d limit", args, src.n, jose.MaxInput)
		}
	}
}

// endless is a stdin that never ends, counting what was read.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.n += len(p)
	return len(p), nil
}

var _ io.Reader = (*endless)(nil)

// -c writes the compact JWS as one C string.
func TestCString(t *testing.T) {
	out, _, err := tool(t, []byte(rfc7515Claims), "-s", "RS256", "-k", "testdata/rfc7515-a2.jwk", "-c")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		l = strings.TrimSpace(l)
		b.WriteString(strings.TrimSuffix(strings.TrimPrefix(l, `"`), `"`))
	}
	if want := string(readFile(t, "testdata/rfc7515-a2.jws")); b.String() != want {
		t.Errorf("C string:\n%s", out)
	}
}

// Ctrl-C while the tool waits for stdin (a terminal nobody types into)
// ends the run at once, with nothing on stdout.
func TestInterruptedWhileReading(t *testing.T) {
	priv, _ := writeKey(t, jose.KtyOct, 256, "")
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out, log bytes.Buffer
	go func() {
		done <- run(ctx, switches.MustParse([]string{"minimal-crypto-jws", "-s", "HS256", "-k", priv}), pr, &out, &log)
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("err %v, stdout %q", err, out.String())
	}
}
