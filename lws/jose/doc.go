// Package jose is what lws's JOSE and X.509 APIs (lws_jwk_*, lws_jws_*,
// lws_jwe_*, lws_x509_*) do that go-jose (github.com/go-jose/go-jose/v4)
// and crypto/x509 leave to their caller. The crypto examples
// (crypto/minimal-crypto-jwk, -jws, -jwe, -x509) sign, verify, encrypt and
// decrypt with go-jose itself; this package only fills the gaps:
//
//   - JWK generation (lws_jwk_generate) for lws's key types: RSA, EC on
//     the NIST curves, and oct;
//   - the "key_ops" member, which go-jose drops on reading and never
//     writes, and the metadata checks RFC 7517 4.2-4.4 ask for ("use",
//     "key_ops", "alg" against the operation);
//   - JWK export with the members in the lexicographic order of RFC 7638,
//     which lws_jwk_export writes (go-jose writes its struct order), and
//     the public copy with the private-only operations trimmed;
//   - the algorithms a key may verify or decrypt with, so that parsing
//     allows exactly those (go-jose asks the caller for the list), and
//     never "none", as lws_jws_sig_confirm refuses it;
//   - the unsecured JWS ("alg":"none", RFC 7515 6) that lws writes when
//     asked to, and go-jose cannot;
//   - X.509 helpers: PEM certificates and private keys to JWKs
//     (lws_x509_public_to_jwk, lws_x509_jwk_privkey_pem) and chain
//     verification against one trusted certificate (lws_x509_verify);
//   - bounded reads of stdin and key files, and lws's C-string output
//     format (-c).
package jose
