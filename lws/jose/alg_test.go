package jose

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v4"
)

// RFC 7515 A.5: the unsecured JWS of the JWT claims example. Unsecured
// writes exactly it, go-jose refuses to parse it with any list
// VerifyAlgorithms gives, and "none" is not a SignatureAlgorithm.
func TestUnsecuredRFC7515A5(t *testing.T) {
	payload := "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
	const want = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
	if got := Unsecured([]byte(payload), false); got != want {
		t.Errorf("compact:\n%s\nwant\n%s", got, want)
	}
	var flat map[string]string
	if err := json.Unmarshal([]byte(Unsecured([]byte(payload), true)), &flat); err != nil {
		t.Fatal(err)
	}
	if flat["protected"]+"."+flat["payload"]+"."+flat["signature"] != want {
		t.Errorf("flattened: %v", flat)
	}
	for _, kty := range []string{KtyRSA, KtyEC, KtyOct} {
		k, err := Generate(kty, 2048, "P-256")
		if err != nil {
			t.Fatal(err)
		}
		algs := VerifyAlgorithms(k)
		if len(algs) == 0 || slices.Contains(algs, gojose.SignatureAlgorithm(None)) {
			t.Fatalf("%s: %v", kty, algs)
		}
		if _, err := gojose.ParseSignedCompact(want, algs); err == nil {
			t.Errorf("%s: go-jose parsed an unsecured JWS with %v", kty, algs)
		}
	}
	if _, err := SignatureAlgorithm(None); err == nil {
		t.Error(`SignatureAlgorithm("none") succeeded`)
	}
}

// The allow lists follow the key: type, curve, size, and its "alg".
func TestAllowLists(t *testing.T) {
	ec, _ := Generate(KtyEC, 0, "P-384")
	if got := VerifyAlgorithms(ec); !slices.Equal(got, []gojose.SignatureAlgorithm{gojose.ES384}) {
		t.Errorf("P-384: %v", got)
	}
	rsa, _ := Generate(KtyRSA, 2048, "")
	rsa.Algorithm = "PS256"
	if got := VerifyAlgorithms(rsa); !slices.Equal(got, []gojose.SignatureAlgorithm{gojose.PS256}) {
		t.Errorf("RSA with alg PS256: %v", got)
	}
	oct, _ := Generate(KtyOct, 128, "")
	if got := DecryptAlgorithms(oct); !slices.Equal(got, []gojose.KeyAlgorithm{gojose.DIRECT, gojose.A128KW, gojose.A128GCMKW}) {
		t.Errorf("oct 128: %v", got)
	}
	pub, _ := rsa.Public()
	if got := DecryptAlgorithms(pub); len(got) != 0 {
		t.Errorf("a public key decrypts with %v", got)
	}
	for _, name := range []string{"RSA1_5", "RSA-OAEP", "ECDH-ES+A256KW", "dir"} {
		if _, err := KeyAlgorithm(name); err != nil {
			t.Error(err)
		}
	}
	for _, name := range []string{"A128CBC-HS256", "A256GCM"} {
		if _, err := ContentEncryption(name); err != nil {
			t.Error(err)
		}
	}
	if _, err := KeyAlgorithm("PBES2-HS256+A128KW"); err == nil {
		t.Error("PBES2 is not in lws's table")
	}
}

// ReadInput stops one byte past its limit.
func TestReadInputBounded(t *testing.T) {
	b, err := ReadInput(context.Background(), strings.NewReader("12345"), "stdin", 5)
	if err != nil || string(b) != "12345" {
		t.Fatalf("%q %v", b, err)
	}
	r := &countingReader{}
	if _, err := ReadInput(context.Background(), r, "stdin", 5); err == nil || !strings.Contains(err.Error(), "more than 5 bytes") {
		t.Fatalf("err %v", err)
	}
	if r.n > 6 {
		t.Errorf("read %d bytes for a 5-byte limit", r.n)
	}
}

// Ctrl-C while stdin waits: ReadInput returns at once with the
// context's error.
func TestReadInputCancelled(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	if _, err := ReadInput(ctx, pr, "stdin", 5); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v", err)
	}
	release := make(chan struct{})
	defer close(release)
	_, err := Interruptible(ctx, func() (int, error) {
		<-release // a step that outlasts the context
		return 0, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Interruptible: %v", err)
	}
}

type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	p[0] = 'x'
	c.n++
	return 1, nil
}

// WriteC breaks JSON the way lws's format_c does.
func TestWriteC(t *testing.T) {
	var b bytes.Buffer
	if err := WriteC(&b, `{"k":"v","kty":"oct"}`); err != nil {
		t.Fatal(err)
	}
	want := "\"{\"\n\t\"\\\"k\\\":\\\"v\\\",\"\n\t\"\\\"kty\\\":\\\"oct\\\"\"\n\"}\"\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	_ = WriteC(&b, strings.Repeat("a", 70))
	if want := "\"" + strings.Repeat("a", 60) + "\"\n\t \"" + strings.Repeat("a", 10) + "\"\n"; b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
