package lws

import (
	"encoding/binary"
	"errors"
	"io"
	"math"

	"github.com/gorilla/websocket"
)

// Frame boundaries, as the loop finds them before gorilla parses a frame
// (ws_fast.go), and the payload of a control frame the core answers
// itself (there and in ws.go's read cycles).

// frameHdr is a ws frame header as the loop scans it (RFC 6455 5.2).
type frameHdr struct {
	b0, b1 byte  // FIN, RSV, opcode; MASK, 7-bit length
	hlen   int   // header bytes, extended length and mask key included
	plen   int64 // payload length
}

func (h frameHdr) opcode() byte { return h.b0 & 0x0f }
func (h frameHdr) masked() bool { return h.b1&0x80 != 0 }

// parseFrameHeader reads a header from the front of b; ok is false until
// all of it has arrived.
func parseFrameHeader(b []byte) (h frameHdr, ok bool) {
	if len(b) < 2 {
		return h, false
	}
	h.b0, h.b1, h.hlen = b[0], b[1], 2
	h.plen = int64(b[1] & 0x7f)
	switch h.plen {
	case 126:
		if len(b) < 4 {
			return h, false
		}
		h.plen, h.hlen = int64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return h, false
		}
		u := binary.BigEndian.Uint64(b[2:])
		h.plen, h.hlen = int64(min(u, math.MaxInt64)), 10
	}
	if h.masked() {
		h.hlen += 4
	}
	return h, len(b) >= h.hlen
}

func (h frameHdr) fin() bool { return h.b0&0x80 != 0 }

// shortLen reports a length in the 7-bit field (at most 125): a control
// frame's must be (RFC 6455 5.5), and gorilla refuses one with an
// extended length however small, at its first two bytes.
func (h frameHdr) shortLen() bool { return h.b1&0x7f <= 125 }

// violation names what is wrong with a header that gorilla would take
// (or drop without a close frame) though RFC 6455 forbids it; "" if
// nothing. b holds the whole header.
func (h frameHdr) violation(b []byte) string {
	switch {
	case h.b1&0x7f == 127 && b[2]&0x80 != 0:
		return "frame length with the most significant bit set" // RFC 6455 5.2
	case h.opcode() == websocket.CloseMessage && h.plen == 1:
		return "close frame with a 1-byte payload" // RFC 6455 5.5.1
	case h.b0&0x40 != 0 && (h.opcode() == 0 || h.opcode() >= 8):
		// RFC 7692 6: only the first frame of a message carries the
		// "Per-Message Compressed" bit; with permessage-deflate
		// negotiated gorilla ignores it on the others.
		return "RSV1 on a continuation or control frame"
	}
	return ""
}

// scan results for a message that is handed to gorilla whole.
const (
	scanMore   = iota // the message has not all arrived
	scanReady         // end is where it ends
	scanTooBig        // longer than the read limit
	scanBad           // end is where a frame header gorilla refuses, or that violates RFC 6455, starts
)

// scanMessage finds the end of the message at the front of b: its frames
// up to the final one, control frames between them included; a close
// frame ends it, and a malformed header fails it. Frames from a client are masked, frames from a server not.
// The scan resumes at pos, the end of the frames already scanned, whose
// data payload adds up to total; while the message is incomplete it
// returns how far it got, so bytes that trickle in are scanned once.
func scanMessage(b []byte, pos int, total, limit int64, masked bool) (end int, sum int64, state int) {
	for {
		h, ok := parseFrameHeader(b[pos:])
		if !ok {
			return pos, total, scanMore
		}
		op := h.opcode()
		control := op >= 8
		if h.violation(b[pos:]) != "" {
			return pos, total, scanBad
		}
		// A header gorilla refuses fails the message at once, before
		// anything is inflated: its payload may never come, and were
		// the deflate data to end before it, gorilla would not read
		// that far until later. Past the first frame, a text or binary
		// frame is one (a new message inside this one).
		if h.masked() != masked || (op > 2 && op < 8) || op > 10 || (control && (h.b0&0x80 == 0 || !h.shortLen())) ||
			h.b0&0x30 != 0 || (pos > 0 && !control && op != 0) {
			return pos, total, scanBad
		}
		if !control && (total+h.plen > limit || total+h.plen < 0) {
			return pos, total, scanTooBig
		}
		if int64(len(b)-pos-h.hlen) < h.plen {
			return pos, total, scanMore
		}
		pos += h.hlen + int(h.plen)
		if !control {
			total += h.plen
		}
		if op == websocket.CloseMessage || (!control && h.b0&0x80 != 0) {
			return pos, total, scanReady
		}
	}
}

// payload returns a copy of the payload of the whole frame f, unmasked.
func (h frameHdr) payload(f []byte) []byte {
	p := append([]byte(nil), f[h.hlen:h.hlen+int(h.plen)]...)
	if h.masked() {
		mask := f[h.hlen-4 : h.hlen]
		for i := range p {
			p[i] ^= mask[i%4]
		}
	}
	return p
}

// errLastPiece is readPiece's word for a short piece that ends the
// message. It is not io.ErrUnexpectedEOF, which a reader itself returns
// for a message that is cut off (a truncated deflate stream, a connection
// gone mid-frame): that one is an error, never the end of a message.
var errLastPiece = errors.New("lws: last piece of the message")

// readPiece fills p from r as io.ReadFull does, but does not read r again
// once it has said io.EOF (eof): gorilla's decompressing reader returns
// its last bytes with io.EOF and io.ErrClosedPipe after that, which
// io.ReadFull, asked for the next piece, reports as an error. A piece cut
// short by the end of the message reports errLastPiece; none at all,
// io.EOF; any error of r is passed on.
func readPiece(r io.Reader, p []byte, eof *bool) (int, error) {
	n := 0
	for n < len(p) && !*eof {
		k, err := r.Read(p[n:])
		n += k
		if err == io.EOF {
			*eof = true
		} else if err != nil {
			return n, err
		}
	}
	switch {
	case n == len(p):
		return n, nil
	case n > 0:
		return n, errLastPiece
	}
	return 0, io.EOF
}

// wholeMsg is a compressed message: its frames are gathered in f.in
// (scanned once each, however they trickle in), then gorilla inflates it
// while the loop hands the result on in pieces.
type wholeMsg struct {
	scanned int   // f.in bytes scanned: whole frames of the message
	wire    int64 // their payload bytes, against the read limit
	r       io.Reader
	allow   int    // bytes of f.in gorilla may still take
	out     int64  // inflated bytes so far, against the read limit
	ahead   []byte // the piece read ahead, so the last one is known
	last    bool   // ahead is the message's last piece
	eof     bool   // r said io.EOF (readPiece)
}
