package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/xts"
)

// plaintext is lws's "test plaintext\0\0".
var plaintext = []byte("test plaintext\x00\x00")

func h(name string) []byte {
	s, ok := vectors[name]
	if !ok {
		panic("no vector " + name)
	}
	return unhex(s)
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// aesCase is one mode checked both ways: encrypting in must give out, and
// decrypting out must give in back.
type aesCase struct {
	name         string
	enc, dec     func(key, iv, in []byte) ([]byte, error)
	key, iv      []byte
	in, out      []byte
	compareBytes int // lws compares only this much of out when not 0
}

func (c aesCase) run() error {
	got, err := c.enc(c.key, c.iv, c.in)
	if err != nil {
		return fmt.Errorf("%s: encrypt: %w", c.name, err)
	}
	want := c.out
	if c.compareBytes > 0 {
		got, want = got[:c.compareBytes], want[:c.compareBytes]
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return fmt.Errorf("%s: encoding mismatch: %x, expected %x", c.name, got, want)
	}
	back, err := c.dec(c.key, c.iv, c.out)
	if err != nil {
		return fmt.Errorf("%s: decrypt: %w", c.name, err)
	}
	if !bytes.Equal(back, c.in) {
		return fmt.Errorf("%s: decoding mismatch: %x", c.name, back)
	}
	return nil
}

// The modes, on crypto/aes and crypto/cipher. ECB and CFB8 are not in
// the standard library (nor should they be used for new protocols); they
// are a few lines over cipher.Block here, as lws's test needs them.

func cbcEnc(key, iv, in []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(in))
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, in)
	return out, nil
}

func cbcDec(key, iv, in []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(in))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, in)
	return out, nil
}

// cbcPKCS7Enc is CBC with PKCS #7 padding (LWS_GAESP_WITH_PADDING).
func cbcPKCS7Enc(key, iv, in []byte) ([]byte, error) {
	pad := aes.BlockSize - len(in)%aes.BlockSize
	return cbcEnc(key, iv, append(append([]byte(nil), in...), bytes.Repeat([]byte{byte(pad)}, pad)...))
}

func cbcPKCS7Dec(key, iv, in []byte) ([]byte, error) {
	out, err := cbcDec(key, iv, in)
	if err != nil {
		return nil, err
	}
	pad := int(out[len(out)-1])
	if pad == 0 || pad > aes.BlockSize || pad > len(out) || !bytes.Equal(out[len(out)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, fmt.Errorf("bad PKCS #7 padding")
	}
	return out[:len(out)-pad], nil
}

func stream(mk func(cipher.Block, []byte) cipher.Stream) func(key, iv, in []byte) ([]byte, error) {
	return func(key, iv, in []byte) ([]byte, error) {
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		out := make([]byte, len(in))
		mk(b, iv).XORKeyStream(out, in)
		return out, nil
	}
}

// CFB128 and OFB are deprecated in crypto/cipher (unauthenticated); lws's
// test checks them, so they are used here and nowhere else.
var (
	//lint:ignore SA1019 lws's vectors are of this mode
	cfbEnc = stream(cipher.NewCFBEncrypter)
	//lint:ignore SA1019 lws's vectors are of this mode
	cfbDec = stream(cipher.NewCFBDecrypter)
	//lint:ignore SA1019 lws's vectors are of this mode
	ofb = stream(cipher.NewOFB)
	ctr = stream(cipher.NewCTR)
)

// cfb8 is 8-bit CFB: each byte is XORed with the first byte of E(iv), and
// the ciphertext byte shifts into the iv.
func cfb8(decrypt bool) func(key, iv, in []byte) ([]byte, error) {
	return func(key, iv, in []byte) ([]byte, error) {
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		reg := append([]byte(nil), iv...)
		ks := make([]byte, aes.BlockSize)
		out := make([]byte, len(in))
		for i, c := range in {
			b.Encrypt(ks, reg)
			out[i] = c ^ ks[0]
			ct := out[i]
			if decrypt {
				ct = c
			}
			copy(reg, reg[1:])
			reg[aes.BlockSize-1] = ct
		}
		return out, nil
	}
}

func ecb(decrypt bool) func(key, iv, in []byte) ([]byte, error) {
	return func(key, _, in []byte) ([]byte, error) {
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		if len(in)%aes.BlockSize != 0 {
			return nil, fmt.Errorf("ECB input of %d bytes", len(in))
		}
		out := make([]byte, len(in))
		for i := 0; i < len(in); i += aes.BlockSize {
			if decrypt {
				b.Decrypt(out[i:], in[i:])
			} else {
				b.Encrypt(out[i:], in[i:])
			}
		}
		return out, nil
	}
}

// xtsSector is XTS from golang.org/x/crypto/xts, whose tweak is a sector
// number (lws's test 16-byte data unit of zeros is sector 0).
func xtsSector(decrypt bool) func(key, iv, in []byte) ([]byte, error) {
	return func(key, _, in []byte) ([]byte, error) {
		c, err := newXTS(key)
		if err != nil {
			return nil, err
		}
		out := make([]byte, len(in))
		if decrypt {
			c.Decrypt(out, in, 0)
		} else {
			c.Encrypt(out, in, 0)
		}
		return out, nil
	}
}

// xtsTweak is XTS with a full 128-bit tweak (x/crypto/xts takes only a
// 64-bit sector number, and the NIST vector's tweak is wider), for whole
// blocks: T = E2(tweak); each block is E1(P ^ T) ^ T, then T = T·α.
func xtsTweak(decrypt bool) func(key, iv, in []byte) ([]byte, error) {
	return func(key, iv, in []byte) ([]byte, error) {
		half := len(key) / 2
		k1, err := aes.NewCipher(key[:half])
		if err != nil {
			return nil, err
		}
		k2, err := aes.NewCipher(key[half:])
		if err != nil {
			return nil, err
		}
		if len(in)%aes.BlockSize != 0 || len(iv) != aes.BlockSize {
			return nil, fmt.Errorf("XTS of %d bytes with a %d-byte tweak", len(in), len(iv))
		}
		var t, x [aes.BlockSize]byte
		k2.Encrypt(t[:], iv)
		out := make([]byte, len(in))
		for i := 0; i < len(in); i += aes.BlockSize {
			subtle.XORBytes(x[:], in[i:i+aes.BlockSize], t[:])
			if decrypt {
				k1.Decrypt(x[:], x[:])
			} else {
				k1.Encrypt(x[:], x[:])
			}
			subtle.XORBytes(out[i:], x[:], t[:])
			// multiply the tweak by α in GF(2^128), little-endian
			carry := t[15] >> 7
			for j := 15; j > 0; j-- {
				t[j] = t[j]<<1 | t[j-1]>>7
			}
			t[0] = t[0]<<1 ^ 0x87*carry
		}
		return out, nil
	}
}

// aesCases are lws's single-mode tests and its KAT matrix.
func aesCases() []aesCase {
	return []aesCase{
		{"cbc256", cbcEnc, cbcDec, h("cbc256_key"), h("cbc256_iv"), plaintext, h("cbc256_enc"), 0},
		{"cfb128", cfbEnc, cfbDec, h("cfb128_key"), h("cfb128_iv"), plaintext, h("cfb128_enc"), 0},
		{"cfb8", cfb8(false), cfb8(true), h("cfb8_key"), h("cfb8_iv"), plaintext, h("cfb8_enc"), 0},
		{"ctr", ctr, ctr, h("ctr_key"), h("ctr_iv"), plaintext, h("ctr_enc"), 0},
		// lws compares the first block only (its vector has openssl's padding block)
		{"ecb", ecb(false), ecb(true), h("ecb_key"), nil, plaintext, h("ecb_enc")[:16], 0},
		{"ofb", ofb, ofb, h("ofb_key"), h("ofb_iv"), plaintext, h("ofb_enc"), 0},
		{"xts", xtsSector(false), xtsSector(true), h("xts_key"), nil, plaintext, h("xts_enc"), 0},
		{"xts (128-bit tweak)", xtsTweak(false), xtsTweak(true), h("xts_key"), make([]byte, 16), plaintext, h("xts_enc"), 0},
		// lws's branch matrix: NIST known answers
		{"cbc128-kat", cbcEnc, cbcDec, unhex("00000000000000000000000000000000"), unhex("00000000000000000000000000000000"),
			unhex("f34481ec3cc627bacd5dc3fb08f273e6"), unhex("0336763e966d92595a567cc9ce537f5e"), 0},
		{"cbc192-kat", cbcEnc, cbcDec, unhex("000000000000000000000000000000000000000000000000"), unhex("00000000000000000000000000000000"),
			unhex("1b077a6af4b7f98229de786d7516b639"), unhex("275cfc0413d8ccb70513c3859b1d0f72"), 0},
		{"ecb192-kat", ecb(false), ecb(true), unhex("61396c530cc1749a5bab6fbcf906fe672d0c4ab201af4554"), nil,
			unhex("60bcdb9416bac08d7fd0d780353740a5"), unhex("24f40c4eecd9c49825000fcb4972647a"), 0},
		{"ecb256-kat", ecb(false), ecb(true), unhex("cc22da787f375711c76302bef0979d8eddf842829c2b99ef3dd04e23e54cc24b"), nil,
			unhex("ccc62c6b0a09a671d64456818db29a4d"), unhex("df8634ca02b13a125b786e1dce90658b"), 0},
		{"ctr192-kat", ctr, ctr, unhex("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b"), unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
			unhex("6bc1bee22e409f96e93d7e117393172a"), unhex("1abc932417521ca24f2b0459fe7e6e0b"), 0},
		{"ctr256-kat", ctr, ctr, unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"), unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
			unhex("6bc1bee22e409f96e93d7e117393172a"), unhex("601ec313775789a5b7a7f504bbf3d228"), 0},
		{"xts128-kat", xtsTweak(false), xtsTweak(true), unhex("a1b90cba3f06ac353b2c343876081762090923026e91771815f29dab01932f2f"), unhex("4faef7117cda59c66e4b92013e768ad5"),
			unhex("ebabce95b14d3c8d6fb350390790311c"), unhex("778ae8b43cb98d5a825081d5be471c63"), 0},
		{"cbc128-pkcs7", cbcPKCS7Enc, cbcPKCS7Dec, unhex("000102030405060708090a0b0c0d0e0f"), unhex("000102030405060708090a0b0c0d0e0f"),
			unhex("000102030405060708090a0b0c0d0e0f"), unhex("c6a13b37878f5b826f4f8162a1c8d879b1a29273be2c4207a5ace393398cb6fb"), 0},
	}
}

// gcmCase is one of lws's GCM vectors.
type gcmCase struct {
	name                      string
	key, iv, aad, pt, ct, tag []byte
}

func gcmCases() []gcmCase {
	return []gcmCase{
		{"gcm256", h("gcm_key"), h("gcm_iv"), h("gcm_aad"), h("gcm_pt"), h("gcm_ct"), h("gcm_tag")},
		{"gcm128-kat", unhex("af2904e234458af8ce0d616866c981fc"), unhex("ef6381fdeb7877845f46edcd"),
			unhex("41946f4a8304875ab3db0dec08d6c990"), unhex("13836338abcfc03b89dd93f1dd691b01"),
			unhex("b13b49e06b9e615a86d4c17ac10da212"), unhex("ac8af4dc584da9a6")},
		{"gcm192-empty", unhex("aa740abfadcda779220d3b406c5d7ec09a77fe9d94104539"), unhex("ab2265b4c168955561f04315"),
			nil, nil, nil, unhex("f149e2b5f0adaa9842ca5f45b768a8fc")},
	}
}

// run seals and opens. Go's GCM accepts tags of 12 to 16 bytes; lws's
// gcm128 vector has an 8-byte tag, which is checked as the prefix of the
// full tag, and on the way back by sealing the plaintext again.
func (c gcmCase) run() error {
	b, err := aes.NewCipher(c.key)
	if err != nil {
		return err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return err
	}
	sealed := g.Seal(nil, c.iv, c.pt, c.aad)
	ct, tag := sealed[:len(c.pt)], sealed[len(c.pt):]
	if !bytes.Equal(ct, c.ct) || subtle.ConstantTimeCompare(tag[:len(c.tag)], c.tag) != 1 {
		return fmt.Errorf("%s: encoding mismatch: %x tag %x", c.name, ct, tag)
	}
	if len(c.tag) == g.Overhead() {
		pt, err := g.Open(nil, c.iv, append(append([]byte(nil), c.ct...), c.tag...), c.aad)
		if err != nil || !bytes.Equal(pt, c.pt) {
			return fmt.Errorf("%s: decoding mismatch: %x %v", c.name, pt, err)
		}
		// a changed tag must be refused
		bad := append(append([]byte(nil), c.ct...), c.tag...)
		bad[len(bad)-1] ^= 1
		if _, err := g.Open(nil, c.iv, bad, c.aad); err == nil {
			return fmt.Errorf("%s: a corrupted tag was accepted", c.name)
		}
		return nil
	}
	pt := make([]byte, len(c.ct))
	cipher.NewCTR(b, ctrStart(b, c.iv)).XORKeyStream(pt, c.ct)
	again := g.Seal(nil, c.iv, pt, c.aad)
	if !bytes.Equal(pt, c.pt) || subtle.ConstantTimeCompare(again[len(pt):len(pt)+len(c.tag)], c.tag) != 1 {
		return fmt.Errorf("%s: decoding mismatch: %x", c.name, pt)
	}
	return nil
}

// ctrStart is GCM's first counter block for a 96-bit nonce: nonce || 2
// (counter 1 is for the tag).
func ctrStart(_ cipher.Block, iv []byte) []byte {
	return append(append([]byte(nil), iv...), 0, 0, 0, 2)
}

func newXTS(key []byte) (*xts.Cipher, error) { return xts.NewCipher(aes.NewCipher, key) }
