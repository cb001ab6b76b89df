package main

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// permessage-deflate (RFC 7692) as Autobahn's cases offer and accept it.

// pmdOffer is one permessage-deflate offer, in Autobahn's terms: what the
// client accepts (client_no_context_takeover, client_max_window_bits
// without a value) and what it requests of the server
// (server_no_context_takeover, server_max_window_bits=N).
type pmdOffer struct {
	acceptNoContextTakeover  bool
	acceptMaxWindowBits      bool
	requestNoContextTakeover bool
	requestMaxWindowBits     int // 0: none
}

// defaultOffer is Autobahn's PerMessageDeflateOffer().
var defaultOffer = pmdOffer{acceptNoContextTakeover: true, acceptMaxWindowBits: true}

func (o pmdOffer) String() string {
	s := "permessage-deflate"
	if o.acceptNoContextTakeover {
		s += "; client_no_context_takeover"
	}
	if o.acceptMaxWindowBits {
		s += "; client_max_window_bits"
	}
	if o.requestNoContextTakeover {
		s += "; server_no_context_takeover"
	}
	if o.requestMaxWindowBits != 0 {
		s += "; server_max_window_bits=" + strconv.Itoa(o.requestMaxWindowBits)
	}
	return s
}

// pmdParams is what was agreed (RFC 7692 7.1): context takeover and LZ77
// window per direction; window bits 0 means the default, 15.
type pmdParams struct {
	serverNoContextTakeover bool
	clientNoContextTakeover bool
	serverMaxWindowBits     int
	clientMaxWindowBits     int
}

// extension is one element of a Sec-WebSocket-Extensions header.
type extension struct {
	name   string
	params []extParam
}

type extParam struct {
	name, value string
	hasValue    bool
}

// parseExtensions splits a Sec-WebSocket-Extensions header (RFC 6455 9.1):
// extensions separated by commas, parameters by semicolons, values
// possibly quoted.
func parseExtensions(h string) []extension {
	var out []extension
	for _, e := range strings.Split(h, ",") {
		parts := strings.Split(e, ";")
		name := strings.ToLower(strings.TrimSpace(parts[0]))
		if name == "" {
			continue
		}
		ext := extension{name: name}
		for _, p := range parts[1:] {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			k, v, ok := strings.Cut(p, "=")
			ext.params = append(ext.params, extParam{
				name:     strings.ToLower(strings.TrimSpace(k)),
				value:    strings.Trim(strings.TrimSpace(v), `"`),
				hasValue: ok,
			})
		}
		out = append(out, ext)
	}
	return out
}

func windowBits(p extParam) (int, error) {
	n, err := strconv.Atoi(p.value)
	if err != nil || n < 8 || n > 15 || (len(p.value) > 1 && p.value[0] == '0') {
		return 0, fmt.Errorf("permessage-deflate: bad %s value %q (RFC 7692 7.1.2)", p.name, p.value)
	}
	return n, nil
}

// parseOffer reads a client's offer as Autobahn's PerMessageDeflateOffer
// does; an unknown or repeated parameter declines it (RFC 7692 7).
func parseOffer(e extension) (pmdOffer, error) {
	o := pmdOffer{acceptNoContextTakeover: true}
	seen := map[string]bool{}
	for _, p := range e.params {
		if seen[p.name] {
			return o, fmt.Errorf("permessage-deflate: parameter %s repeated", p.name)
		}
		seen[p.name] = true
		switch p.name {
		case "client_max_window_bits":
			if p.hasValue {
				if _, err := windowBits(p); err != nil {
					return o, err
				}
			}
			o.acceptMaxWindowBits = true
		case "client_no_context_takeover", "server_no_context_takeover":
			if p.hasValue {
				return o, fmt.Errorf("permessage-deflate: %s takes no value", p.name)
			}
			if p.name == "server_no_context_takeover" {
				o.requestNoContextTakeover = true
			}
		case "server_max_window_bits":
			n, err := windowBits(p)
			if err != nil {
				return o, err
			}
			o.requestMaxWindowBits = n
		default:
			return o, fmt.Errorf("permessage-deflate: unknown parameter %s", p.name)
		}
	}
	return o, nil
}

// parseResponse reads the server's answer to our offers, as Autobahn's
// PerMessageDeflateResponse does: anything but one permessage-deflate with
// known parameters fails the handshake (RFC 7692 5 and 7.1).
func parseResponse(h string) (pmdParams, error) {
	var pp pmdParams
	exts := parseExtensions(h)
	if len(exts) != 1 || exts[0].name != "permessage-deflate" {
		return pp, fmt.Errorf("server answered extensions %q, not one permessage-deflate", h)
	}
	seen := map[string]bool{}
	for _, p := range exts[0].params {
		if seen[p.name] {
			return pp, fmt.Errorf("permessage-deflate: parameter %s repeated", p.name)
		}
		seen[p.name] = true
		var err error
		switch p.name {
		case "client_max_window_bits":
			pp.clientMaxWindowBits, err = windowBits(p)
		case "server_max_window_bits":
			pp.serverMaxWindowBits, err = windowBits(p)
		case "client_no_context_takeover":
			pp.clientNoContextTakeover = true
		case "server_no_context_takeover":
			pp.serverNoContextTakeover = true
		default:
			err = fmt.Errorf("permessage-deflate: unknown parameter %s in the response", p.name)
		}
		if err != nil {
			return pp, err
		}
	}
	return pp, nil
}

// answerNotes checks a server's answer beyond what Autobahn checks, for
// the report's notes (not the verdict): an offer asking for a window
// below the default 15 bits is accepted only by an answer that says so,
// with the same or a smaller value (RFC 7692 7.1.2.1); otherwise the
// server compresses with a window the client did not agree to.
func answerNotes(offers []pmdOffer, pp pmdParams) []string {
	least := 0
	for _, o := range offers {
		if o.requestMaxWindowBits == 0 || o.requestMaxWindowBits == 15 {
			return nil // an offer that takes any window may be the one accepted
		}
		least = max(least, o.requestMaxWindowBits)
	}
	switch {
	case len(offers) == 0:
	case pp.serverMaxWindowBits == 0:
		return []string{fmt.Sprintf("RFC 7692 7.1.2.1: the offer asked for server_max_window_bits=%d, the answer accepted it without server_max_window_bits", least)}
	case pp.serverMaxWindowBits > least:
		return []string{fmt.Sprintf("RFC 7692 7.1.2.1: the answer's server_max_window_bits=%d is above the %d offered", pp.serverMaxWindowBits, least)}
	}
	return nil
}

// pmdAccept is how a fuzzing server case answers offers (Autobahn's
// SERVER_ACCEPT functions): the chosen offer's parameters plus what the
// server requests of the client; ok false declines every offer.
type pmdAccept func(offers []pmdOffer) (resp string, pp pmdParams, ok bool)

// acceptWith accepts the first offer that satisfies need, asking the
// client for no context takeover and/or a window (0: none).
func acceptWith(need func(pmdOffer) bool, requestNCT bool, requestMWB int) pmdAccept {
	return func(offers []pmdOffer) (string, pmdParams, bool) {
		for _, o := range offers {
			if !need(o) {
				continue
			}
			s := "permessage-deflate"
			if o.requestNoContextTakeover {
				s += "; server_no_context_takeover"
			}
			if o.requestMaxWindowBits != 0 {
				s += "; server_max_window_bits=" + strconv.Itoa(o.requestMaxWindowBits)
			}
			if requestNCT {
				s += "; client_no_context_takeover"
			}
			if requestMWB != 0 {
				s += "; client_max_window_bits=" + strconv.Itoa(requestMWB)
			}
			return s, pmdParams{
				serverNoContextTakeover: o.requestNoContextTakeover,
				clientNoContextTakeover: requestNCT,
				serverMaxWindowBits:     o.requestMaxWindowBits,
				clientMaxWindowBits:     requestMWB,
			}, true
		}
		return "", pmdParams{}, false
	}
}

func anyOffer(pmdOffer) bool { return true }

// firstOf tries accept functions in turn (Autobahn's accept7).
func firstOf(as ...pmdAccept) pmdAccept {
	return func(offers []pmdOffer) (string, pmdParams, bool) {
		for _, a := range as {
			if s, pp, ok := a(offers); ok {
				return s, pp, true
			}
		}
		return "", pmdParams{}, false
	}
}

// deflateTail ends a message's compressed data (RFC 7692 7.2.1 removes it
// on the wire); the empty final stored block after it lets flate end
// cleanly.
const deflateTail = "\x00\x00\xff\xff"
const deflateEnd = deflateTail + "\x01\x00\x00\xff\xff"

// pmd compresses and decompresses messages with the agreed parameters.
// Context takeover on receive keeps the last 32 KB of output as the next
// message's dictionary (RFC 7692 7.2.2); on send one flate.Writer lives
// across messages and each ends with a sync flush (RFC 7692 7.2.1).
//
// compress/flate cannot narrow its LZ77 window, so when the peer asked
// for a window below 15 bits the harness sends Huffman-only blocks, which
// hold no back-references at all; what it receives it decodes with a 32 KB
// window whatever was agreed (as Autobahn's results would be the same for
// every peer here: none of them agrees to a smaller window).
type pmd struct {
	server bool // our side
	p      pmdParams
	fw     *flate.Writer
	wbuf   bytes.Buffer
	dict   []byte
	fr     io.ReadCloser
}

func newPMD(server bool, p pmdParams) *pmd { return &pmd{server: server, p: p} }

func (d *pmd) ourNoContextTakeover() bool {
	if d.server {
		return d.p.serverNoContextTakeover
	}
	return d.p.clientNoContextTakeover
}

func (d *pmd) peerNoContextTakeover() bool {
	if d.server {
		return d.p.clientNoContextTakeover
	}
	return d.p.serverNoContextTakeover
}

func (d *pmd) ourWindowBits() int {
	b := d.p.clientMaxWindowBits
	if d.server {
		b = d.p.serverMaxWindowBits
	}
	if b == 0 {
		return 15
	}
	return b
}

// compress returns msg's compressed octets without the trailing
// 00 00 ff ff (RFC 7692 7.2.1).
func (d *pmd) compress(msg []byte) ([]byte, error) {
	d.wbuf.Reset()
	switch {
	case d.fw == nil:
		// Autobahn compresses with zlib's default level; the level is no
		// part of the protocol, and the fastest one (still LZ77 matches
		// over the whole window, dynamic Huffman codes) keeps the 1000
		// messages of a compression case from being mostly the harness's
		// own CPU time.
		level := flate.BestSpeed
		if d.ourWindowBits() < 15 {
			level = flate.HuffmanOnly
		}
		fw, err := flate.NewWriter(&d.wbuf, level)
		if err != nil {
			return nil, fmt.Errorf("deflate writer: %w", err)
		}
		d.fw = fw
	case d.ourNoContextTakeover():
		d.fw.Reset(&d.wbuf)
	}
	if _, err := d.fw.Write(msg); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	if err := d.fw.Flush(); err != nil {
		return nil, fmt.Errorf("deflate flush: %w", err)
	}
	out := d.wbuf.Bytes()
	if !bytes.HasSuffix(out, []byte(deflateTail)) {
		return nil, errors.New("deflate: sync flush did not end with 00 00 ff ff")
	}
	return append([]byte(nil), out[:len(out)-4]...), nil
}

// decompress inflates one message's data (RFC 7692 7.2.2).
func (d *pmd) decompress(data []byte) ([]byte, error) {
	in := make([]byte, 0, len(data)+len(deflateEnd))
	in = append(append(in, data...), deflateEnd...)
	var dict []byte
	if !d.peerNoContextTakeover() {
		dict = d.dict
	}
	if d.fr == nil {
		d.fr = flate.NewReaderDict(bytes.NewReader(in), dict)
	} else if err := d.fr.(flate.Resetter).Reset(bytes.NewReader(in), dict); err != nil {
		return nil, fmt.Errorf("inflate reset: %w", err)
	}
	out, err := io.ReadAll(d.fr)
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	if !d.peerNoContextTakeover() {
		d.dict = append(d.dict, out...)
		if len(d.dict) > 32<<10 {
			d.dict = append([]byte(nil), d.dict[len(d.dict)-32<<10:]...)
		}
	}
	return out, nil
}
