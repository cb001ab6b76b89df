package main

import (
	"slices"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/lws-go/lws-go/lws/jose"
)

// The JWS benchmarks of BENCHMARKS.md: sign and verify through the tool's
// own functions (sign, verify: the key checks, lws's header, the allow
// list from the key) next to go-jose called directly for the same work,
// in the same run:
//
//	cd crypto/minimal-crypto-jws && go test -run '^$' -bench . -benchtime 3s -count 3
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

// paired runs the tool's operation and go-jose's alternately, one each
// per iteration and each first every other time, timing every operation, and reports each side's rate
// from its median operation time and their ratio (tool / go-jose: 1 is
// parity, above 1 the tool is faster). Alternating gives both sides the
// same load (the machine is shared); the median leaves out the
// operations another process preempted, which on a loaded machine are
// what swings a mean.
func paired(b *testing.B, tool, direct func() error) {
	var tTool, tDirect []time.Duration
	timed := func(op func() error, into *[]time.Duration) {
		t0 := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		*into = append(*into, time.Since(t0))
	}
	for i := 0; b.Loop(); i++ {
		// Each goes first half the time: the second of a pair finds the
		// caches warm.
		if i%2 == 0 {
			timed(tool, &tTool)
			timed(direct, &tDirect)
		} else {
			timed(direct, &tDirect)
			timed(tool, &tTool)
		}
	}
	mTool, mDirect := median(tTool), median(tDirect)
	b.ReportMetric(1/mTool.Seconds(), "tool-ops/s")
	b.ReportMetric(1/mDirect.Seconds(), "go-jose-ops/s")
	b.ReportMetric(mDirect.Seconds()/mTool.Seconds(), "ratio")
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// BenchmarkSign signs benchPayload: the tool's sign (compact) against
// go-jose's NewSigner, Sign and CompactSerialize.
func BenchmarkSign(b *testing.B) {
	for _, c := range benchKeys(b) {
		b.Run(c.name, func(b *testing.B) {
			paired(b, func() error {
				_, err := sign(c.key, string(c.alg), benchPayload, false)
				return err
			}, func() error {
				s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: c.alg, Key: c.key.Key}, nil)
				if err != nil {
					return err
				}
				obj, err := s.Sign(benchPayload)
				if err != nil {
					return err
				}
				_, err = obj.CompactSerialize()
				return err
			})
		})
	}
}

// BenchmarkVerify verifies a compact JWS: the tool's verify (allow list
// from the key, metadata checks) against go-jose's ParseSignedCompact and
// Verify with the public key.
func BenchmarkVerify(b *testing.B) {
	for _, c := range benchKeys(b) {
		token, err := sign(c.key, string(c.alg), benchPayload, false)
		if err != nil {
			b.Fatal(err)
		}
		pub, input := verifyingKey(c.key), []byte(token) // the tool reads bytes
		b.Run(c.name, func(b *testing.B) {
			paired(b, func() error {
				_, _, err := verify(c.key, input, false)
				return err
			}, func() error {
				obj, err := gojose.ParseSignedCompact(token, []gojose.SignatureAlgorithm{c.alg})
				if err != nil {
					return err
				}
				_, err = obj.Verify(pub)
				return err
			})
		})
	}
}
