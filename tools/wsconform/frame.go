package main

import (
	"crypto/rand"
	"encoding/binary"
)

// WebSocket opcodes (RFC 6455 5.2).
const (
	opCont   = 0
	opText   = 1
	opBinary = 2
	opClose  = 8
	opPing   = 9
	opPong   = 10
)

// Close status codes the cases use (RFC 6455 7.4.1).
const (
	closeNormal          = 1000
	closeGoingAway       = 1001
	closeProtocolError   = 1002
	closeInvalidPayload  = 1007
	closeMessageTooBig   = 1009
	closeInternalError   = 1011
	closeNone            = -1 // no status code in the close frame
	maxControlPayload    = 125
	maxCloseReasonOctets = 123 // 125 minus the two octets of the code
)

// closeCodeAllowed reports whether a peer may send code in a close frame,
// as Autobahn's CLOSE_STATUS_CODES_ALLOWED and its range checks decide:
// 0-999, 1004-1006, 1014-2999 and 5000 and up are never sent on the wire
// (RFC 6455 7.4.1 and 7.4.2; 1012 and 1013 were registered with IANA
// later); 3000-4999 are for libraries and applications.
func closeCodeAllowed(code int) bool {
	switch {
	case code < 1000 || code >= 5000:
		return false
	case code >= 3000:
		return true
	}
	switch code {
	case 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013:
		return true
	}
	return false
}

// frameOpt is one frame as a case sends it, byte for byte: Autobahn's
// sendFrame arguments. Nothing here is checked, since the point is to send
// frames that are wrong on purpose.
type frameOpt struct {
	op      byte
	payload []byte
	noFin   bool // FIN clear
	rsv     byte // RSV1-3 as a 3-bit number (4 is RSV1)
	repeat  int  // if > 0, the payload is repeated (and cut) to this length
	chop    int  // if > 0, the frame's octets go out in writes of this size
	sync    bool // the frame's octets go out in a write of their own
}

// encodeFrame builds the octets of f; a client masks with a fresh key
// (RFC 6455 5.3), a server does not.
func encodeFrame(f frameOpt, mask bool) []byte {
	pl := f.payload
	if f.repeat > 0 && len(f.payload) > 0 {
		pl = make([]byte, f.repeat)
		for i := 0; i < f.repeat; i += len(f.payload) {
			copy(pl[i:], f.payload)
		}
	}
	b0 := (f.rsv%8)<<4 | f.op%128
	if !f.noFin {
		b0 |= 0x80
	}
	n := len(pl)
	hdr := make([]byte, 0, 14+n)
	var b1 byte
	if mask {
		b1 = 0x80
	}
	switch {
	case n <= 125:
		hdr = append(hdr, b0, b1|byte(n))
	case n <= 0xffff:
		hdr = append(hdr, b0, b1|126)
		hdr = binary.BigEndian.AppendUint16(hdr, uint16(n))
	default:
		hdr = append(hdr, b0, b1|127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	if !mask {
		return append(hdr, pl...)
	}
	var key [4]byte
	_, _ = rand.Read(key[:])
	hdr = append(hdr, key[:]...)
	start := len(hdr)
	hdr = append(hdr, pl...)
	maskBytes(hdr[start:], key)
	return hdr
}

func maskBytes(b []byte, key [4]byte) {
	for i := range b {
		b[i] ^= key[i&3]
	}
}

// utf8Validator checks UTF-8 incrementally, octet by octet, so a sequence
// is refused at the first octet that cannot continue it (RFC 3629 section
// 4: no overlongs, no surrogates, nothing above U+10FFFF), as Autobahn's
// DFA validator does.
type utf8Validator struct {
	need   int  // continuation octets still expected
	lo, hi byte // allowed range of the next continuation octet
}

// feed reports false at the first invalid octet.
func (v *utf8Validator) feed(p []byte) bool {
	for _, c := range p {
		if v.need > 0 {
			if c < v.lo || c > v.hi {
				return false
			}
			v.need--
			v.lo, v.hi = 0x80, 0xbf
			continue
		}
		switch {
		case c < 0x80:
		case c >= 0xc2 && c <= 0xdf:
			v.need, v.lo, v.hi = 1, 0x80, 0xbf
		case c == 0xe0:
			v.need, v.lo, v.hi = 2, 0xa0, 0xbf
		case c == 0xed:
			v.need, v.lo, v.hi = 2, 0x80, 0x9f
		case c >= 0xe1 && c <= 0xef:
			v.need, v.lo, v.hi = 2, 0x80, 0xbf
		case c == 0xf0:
			v.need, v.lo, v.hi = 3, 0x90, 0xbf
		case c >= 0xf1 && c <= 0xf3:
			v.need, v.lo, v.hi = 3, 0x80, 0xbf
		case c == 0xf4:
			v.need, v.lo, v.hi = 3, 0x80, 0x8f
		default:
			return false
		}
	}
	return true
}

// complete reports whether the octets fed so far end on a code point.
func (v *utf8Validator) complete() bool { return v.need == 0 }

// validUTF8 is the validator over a whole string.
func validUTF8(p []byte) bool {
	var v utf8Validator
	return v.feed(p) && v.complete()
}
