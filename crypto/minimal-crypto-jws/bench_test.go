package main

import (
	"testing"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/lws-go/lws-go/lws/jose"
)

// The JWS benchmarks of BENCHMARKS.md: sign and verify through the tool's
// own functions (sign, verify: the key checks, lws's header, the allow
// list from the key) next to go-jose called directly for the same work,
// in the same run:
//
//	cd crypto/minimal-crypto-jws && go test -run '^$' -bench . -benchtime 2s -count 3
//
// The payload is a 200-byte JWT-sized claim set.

var benchPayload = []byte(`{"iss":"https://issuer.example","sub":"248289761001","aud":"s6BhdRkqt3","nonce":"n-0S6_WzA2Mj","exp":1311281970,"iat":1311280970,"name":"Jane Doe","email":"janedoe@example.com"}`)

type benchCase struct {
	alg  gojose.SignatureAlgorithm
	key  *jose.Key
	name string
}

func benchKeys(b *testing.B) []benchCase {
	b.Helper()
	var cases []benchCase
	for _, c := range []struct {
		alg        gojose.SignatureAlgorithm
		kty, curve string
		bits       int
	}{{gojose.RS256, jose.KtyRSA, "", 2048}, {gojose.ES256, jose.KtyEC, "P-256", 0}, {gojose.HS256, jose.KtyOct, "", 256}} {
		k, err := jose.Generate(c.kty, c.bits, c.curve)
		if err != nil {
			b.Fatal(err)
		}
		cases = append(cases, benchCase{c.alg, k, string(c.alg)})
	}
	return cases
}

func BenchmarkSign(b *testing.B) {
	for _, c := range benchKeys(b) {
		b.Run(c.name+"/tool", func(b *testing.B) {
			for b.Loop() {
				if _, err := sign(c.key, string(c.alg), benchPayload, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/go-jose", func(b *testing.B) {
			for b.Loop() {
				s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: c.alg, Key: c.key.Key}, nil)
				if err != nil {
					b.Fatal(err)
				}
				obj, err := s.Sign(benchPayload)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := obj.CompactSerialize(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, c := range benchKeys(b) {
		token, err := sign(c.key, string(c.alg), benchPayload, false)
		if err != nil {
			b.Fatal(err)
		}
		pub := verifyingKey(c.key)
		b.Run(c.name+"/tool", func(b *testing.B) {
			for b.Loop() {
				if _, _, err := verify(c.key, []byte(token), false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/go-jose", func(b *testing.B) {
			for b.Loop() {
				obj, err := gojose.ParseSignedCompact(token, []gojose.SignatureAlgorithm{c.alg})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := obj.Verify(pub); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
