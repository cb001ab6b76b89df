package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func runTest(t *testing.T) (string, error) {
	t.Helper()
	var l bytes.Buffer
	err := run(context.Background(), switches.MustParse([]string{"api-test"}), &l)
	return l.String(), err
}

func TestPass(t *testing.T) {
	log, err := runTest(t)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(log), "Completed: PASS") {
		t.Fatalf("%v\n%s", err, log)
	}
}

// Changing one expected value fails the run: a JWS's expected HMAC, a
// JWE's expected plaintext, a signature byte, a key wrap plaintext, a key.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for _, c := range []struct{ name, from, to string }{
		{"hash_enc", "dBjf", "dBjg"},
		{"ex_a1_ptext", "The true", "The fals"},
		{"eddsa_cser", "RXhhbXBs", "RXhhbXBt"},
		{"es256_cser", "DtEhU3lj", "DtEhU3lk"},
		{"akw_ptext", "plaintext", "plainText"},
		{"none_payload", "joe", "jim"},
	} {
		t.Run(c.name, func(t *testing.T) {
			saved := v[c.name]
			if !strings.Contains(saved, c.from) {
				t.Fatalf("%s lacks %q", c.name, c.from)
			}
			v[c.name] = strings.Replace(saved, c.from, c.to, 1)
			defer func() { v[c.name] = saved }()
			log, err := runTest(t)
			if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: FAIL") {
				t.Fatalf("a wrong %s passed: %v\n%s", c.name, err, log)
			}
		})
	}
}

// Tampered input is refused: a JWE whose ciphertext or tag changed, a JWS
// whose payload changed, and garbage.
func TestBadInput(t *testing.T) {
	k, err := key("ex_a3_key")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(v["ex_a3_compact"], ".")
	for i := 3; i <= 4; i++ {
		bad := append([]string(nil), parts...)
		b := []byte(bad[i])
		b[2] ^= 1
		bad[i] = string(b)
		if _, err := decrypt("tampered", strings.Join(bad, "."), k.Key); err == nil {
			t.Errorf("a JWE with section %d changed was decrypted", i)
		}
	}
	rs, err := key("rfc7515_rsa_key")
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(v["rfc7515_rsa_a1"], ".")
	p[1] = b64.EncodeToString([]byte(`{"iss":"mallory"}`))
	if err := verifyCompact("tampered", strings.Join(p, "."), "RS256", rs.Public().Key, `{"alg":"RS256"}`, `{"iss":"mallory"}`); err == nil {
		t.Error("a JWS with a changed payload verified")
	}
	for _, junk := range []string{"", "a.b", "....", "{", strings.Repeat("A", 10000)} {
		if _, err := decrypt("junk", junk, k.Key); err == nil {
			t.Errorf("%.20q decrypted", junk)
		}
	}
}
