package main

import (
	"bytes"
	"context"
	"encoding/binary"
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
	for _, want := range []string{"test_genaes: selftest OK (19 vectors)", "test_genec: selftest OK", "test_genrsa: selftest OK"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}

// One changed byte in any expected value fails the run.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for _, name := range []string{"cbc256_enc", "cfb8_enc", "ofb_enc", "xts_enc", "gcm_tag", "genrsa_expected_priv_enc"} {
		t.Run(name, func(t *testing.T) {
			saved := vectors[name]
			b := []byte(saved)
			if b[0] == '0' {
				b[0] = '1'
			} else {
				b[0] = '0'
			}
			vectors[name] = string(b)
			defer func() { vectors[name] = saved }()
			log, err := runTest(t)
			if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: FAIL") {
				t.Fatalf("a wrong %s passed: %v\n%s", name, err, log)
			}
		})
	}
}

// The 128-bit-tweak XTS here agrees with golang.org/x/crypto/xts wherever
// the tweak is a sector number, over several blocks.
func TestXTSAgreesWithXCrypto(t *testing.T) {
	key := h("xts_key")
	in := bytes.Repeat([]byte("0123456789abcdef"), 5)
	for _, sector := range []uint64{0, 1, 77, 1 << 40} {
		tweak := make([]byte, 16)
		binary.LittleEndian.PutUint64(tweak, sector)
		mine, err := xtsTweak(false)(key, tweak, in)
		if err != nil {
			t.Fatal(err)
		}
		c, err := newXTS(key)
		if err != nil {
			t.Fatal(err)
		}
		ref := make([]byte, len(in))
		c.Encrypt(ref, in, sector)
		if !bytes.Equal(mine, ref) {
			t.Fatalf("sector %d: %x, x/crypto/xts %x", sector, mine, ref)
		}
		back, _ := xtsTweak(true)(key, tweak, mine)
		if !bytes.Equal(back, in) {
			t.Fatalf("sector %d: decrypt %x", sector, back)
		}
	}
}

// Bad input is refused, not misused: a corrupted PKCS #7 pad, a key of a
// wrong size, a partial block for ECB.
func TestBadInput(t *testing.T) {
	key, iv := unhex("000102030405060708090a0b0c0d0e0f"), unhex("000102030405060708090a0b0c0d0e0f")
	ct, _ := cbcPKCS7Enc(key, iv, []byte("hello"))
	ct[len(ct)-1] ^= 0x40
	if _, err := cbcPKCS7Dec(key, iv, ct); err == nil {
		t.Error("corrupted padding accepted")
	}
	if _, err := cbcEnc(key[:5], iv, make([]byte, 16)); err == nil {
		t.Error("a 5-byte AES key accepted")
	}
	if _, err := ecb(false)(key, nil, make([]byte, 15)); err == nil {
		t.Error("ECB of 15 bytes accepted")
	}
}
