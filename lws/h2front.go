package lws

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/http2/hpack"
)

// HTTP/2 (over TLS by ALPN, and h2c with prior knowledge) is served by
// net/http's own HTTP/2 server, behind h2Front: a front that reads what
// the peer sends before the server does and mends the few places where
// the server departs from RFC 9113:
//
//   - A SETTINGS frame that names a parameter more than once is processed
//     in order (RFC 9113 6.5.3); the server refuses it (PROTOCOL_ERROR).
//     The front keeps one entry per parameter with the value processing in
//     order leaves: the last, the smallest for SETTINGS_HEADER_TABLE_SIZE
//     (the encoder must signal the smallest, RFC 7541 4.2), or the first
//     invalid one, which the server then refuses as it would in order.
//   - A field section with a connection-specific field (connection,
//     keep-alive, proxy-connection, transfer-encoding, upgrade) or a TE
//     other than "trailers" is malformed (RFC 9113 8.2.2): a stream error
//     of type PROTOCOL_ERROR. The server answers 400 instead. The front
//     decodes each field section with its own HPACK decoder (x/net's hpack,
//     the code net/http vendors), in step with the server's: the same
//     blocks in the same order. When it finds one it moves END_HEADERS to
//     an extra CONTINUATION frame carrying a field the server refuses (an
//     upper-case name, RFC 9113 8.2.1) as a literal that leaves the
//     dynamic table alone: the server then resets the stream with
//     PROTOCOL_ERROR, as for any malformed field.
//
// The rest is configuration: frames are limited to 16384 bytes, the
// protocol's default SETTINGS_MAX_FRAME_SIZE, so a bigger one is a
// FRAME_SIZE_ERROR (RFC 9113 4.2) rather than taken under a 1 MiB limit a
// peer that does not wait for SETTINGS cannot know about; and what is left
// of a request is read before an answer that does not need it
// (settleH2Body).
//
// net/http has no hook between TLS and its HTTP/2 framer, so each
// listener that serves HTTP/2 has a second http.Server (h2Server) whose
// Protocols are unencrypted HTTP/2 only and whose connections are fronts:
// the TLS listener's net/http hands it a connection that negotiated h2
// (TLSNextProto), the fast path a plain one that opens with the h2
// preface. A front does not present itself as TLS (net/http would not
// speak HTTP/2 on it then); the handler gives requests the connection's
// TLS state.

// h2MaxFrame is the largest frame the server reads (and the front checks).
const h2MaxFrame = 16384

// h2Preface is what an HTTP/2 client sends first (RFC 9113 3.4).
const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// h2Server serves a listener's HTTP/2 connections (see above). It is the
// net.Listener its http.Server accepts fronts from.
type h2Server struct {
	l      *listener
	srv    *http.Server
	addr   net.Addr
	conns  chan net.Conn
	done   chan struct{}
	once   sync.Once
	served chan struct{}
}

// h2TLSKey carries a connection's TLS state to its requests.
type h2TLSKey struct{}

func newH2Server(l *listener, addr net.Addr) *h2Server {
	h := &h2Server{l: l, addr: addr, conns: make(chan net.Conn), done: make(chan struct{}), served: make(chan struct{})}
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	s := l.srv
	h.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if st, ok := r.Context().Value(h2TLSKey{}).(*tls.ConnectionState); ok {
				r.TLS = st
			}
			l.ServeHTTP(w, r)
		}),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if f, ok := c.(*h2Front); ok && f.tc != nil {
				st := f.tc.ConnectionState()
				return context.WithValue(ctx, h2TLSKey{}, &st)
			}
			return ctx
		},
		ReadHeaderTimeout: s.ReadHeaderTimeout,
		IdleTimeout:       s.IdleTimeout,
		MaxHeaderBytes:    s.MaxHeaderBytes,
		ErrorLog:          s.ErrorLog,
		Protocols:         p,
		HTTP2:             &http.HTTP2Config{MaxReadFrameSize: h2MaxFrame},
	}
	go func() {
		defer close(h.served)
		_ = h.srv.Serve(h)
	}()
	return h
}

func (h *h2Server) Accept() (net.Conn, error) {
	select {
	case c := <-h.conns:
		return c, nil
	case <-h.done:
		return nil, net.ErrClosed
	}
}

func (h *h2Server) Close() error {
	h.once.Do(func() { close(h.done) })
	return nil
}

func (h *h2Server) Addr() net.Addr { return h.addr }

// serve hands c to the HTTP/2 server behind a front; with wait, it
// returns once the server is done with it.
func (h *h2Server) serve(c net.Conn, tc *tls.Conn, wait bool) {
	f := newH2Front(c, tc, h.l.ctx.log)
	select {
	case h.conns <- f:
	case <-h.done:
		_ = c.Close()
		return
	}
	if wait {
		<-f.closed
	}
}

// serveTLS is the TLS listener's TLSNextProto["h2"]: net/http closes the
// connection when it returns.
func (h *h2Server) serveTLS(_ *http.Server, c *tls.Conn, _ http.Handler) {
	if cs := c.ConnectionState(); cs.Version < tls.VersionTLS13 && !h2Cipher(cs.CipherSuite) {
		// RFC 9113 9.2.2: over TLS 1.2, HTTP/2 wants an ephemeral key
		// exchange and an AEAD cipher. net/http's server checks this
		// on a *tls.Conn, which a front is not: GOAWAY
		// INADEQUATE_SECURITY, as it sends.
		_, _ = c.Write([]byte{0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc})
		return
	}
	h.serve(c, c, true)
}

// h2Cipher reports a TLS 1.2 cipher suite HTTP/2 may use (of those
// crypto/tls implements: ECDHE with AES-GCM or ChaCha20-Poly1305).
func h2Cipher(id uint16) bool {
	switch id {
	case tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:
		return true
	}
	return false
}

// close stops the server and closes its connections.
func (h *h2Server) close() {
	_ = h.srv.Close()
	<-h.served
}

// Frame types and flags the front looks at (RFC 9113 6).
const (
	h2Headers      = 0x1
	h2Settings     = 0x4
	h2Continuation = 0x9

	h2FlagAck        = 0x1
	h2FlagEndHeaders = 0x4
	h2FlagPadded     = 0x8
	h2FlagPriority   = 0x20
)

// h2Poison is a field line the server refuses: a literal without
// indexing (RFC 7541 6.2.2) named "Malformed", upper case.
var h2Poison = []byte("\x00\x09Malformed\x01!")

// h2Front is the connection as the HTTP/2 server reads it: the peer's
// bytes, passed on frame by frame and mended in place. DATA and other
// frames stream through; a SETTINGS, HEADERS or CONTINUATION frame is held
// until it is whole (at most h2MaxFrame bytes), so the buffer is small
// but while such a frame arrives.
type h2Front struct {
	net.Conn
	tc      *tls.Conn // the TLS connection under it, if any
	log     *slog.Logger
	in      []byte // read from the peer: in[r:ok] is for the server, in[ok:] not looked at yet
	r, ok   int
	need    int   // bytes from ok that must fit: a frame being held
	err     error // the read error to return once in[r:ok] is drained
	preface int   // preface bytes still to pass
	pass    int   // payload bytes of the current frame to pass as they come
	off     bool  // checks stopped: the server refuses this connection anyway
	dec     *hpack.Decoder
	why     string // what makes the field section being decoded malformed
	closed  chan struct{}
	once    sync.Once
}

func newH2Front(c net.Conn, tc *tls.Conn, log *slog.Logger) *h2Front {
	f := &h2Front{Conn: c, tc: tc, log: log, preface: len(h2Preface), closed: make(chan struct{})}
	// In step with the server's decoder: its table size (SETTINGS_HEADER_
	// TABLE_SIZE, 4096) and a bound on strings.
	f.dec = hpack.NewDecoder(4096, f.field)
	f.dec.SetMaxStringLength(64 << 10)
	return f
}

func (f *h2Front) Close() error {
	err := f.Conn.Close()
	f.once.Do(func() { close(f.closed) })
	return err
}

func (f *h2Front) Read(p []byte) (int, error) {
	for f.r == f.ok {
		if f.err != nil {
			err := f.err
			f.err = nil
			return 0, err
		}
		if f.r > 0 {
			f.in = f.in[:copy(f.in, f.in[f.r:])]
			f.ok -= f.r
			f.r = 0
		}
		if len(f.in) == 0 && cap(f.in) > 8<<10 {
			f.in = nil // a big frame went: back to a small buffer
		}
		if want := max(len(f.in)+2048, f.ok+f.need); cap(f.in) < want {
			f.in = append(make([]byte, 0, max(4096, want)), f.in...)
		}
		n, err := f.Conn.Read(f.in[len(f.in):cap(f.in)])
		f.in = f.in[:len(f.in)+n]
		f.scan()
		if err != nil {
			// What is left goes as it came, and nothing more is checked.
			f.off, f.ok, f.err = true, len(f.in), err
		}
	}
	n := copy(p, f.in[f.r:f.ok])
	f.r += n
	return n, nil
}

// scan vets what can go: the preface, whole frames (mended), the payload
// of a frame that streams through.
func (f *h2Front) scan() {
	for {
		in := f.in[f.ok:]
		switch {
		case f.off:
			f.ok = len(f.in)
			return
		case f.preface > 0 || f.pass > 0:
			left := &f.preface
			if f.preface == 0 {
				left = &f.pass
			}
			k := min(*left, len(in))
			f.ok += k
			if *left -= k; *left > 0 {
				return
			}
			continue
		case len(in) < 9:
			f.need = 9
			return
		}
		length := int(in[0])<<16 | int(in[1])<<8 | int(in[2])
		typ := in[3]
		if typ != h2Settings && typ != h2Headers && typ != h2Continuation {
			f.ok += 9
			f.pass = length
			continue
		}
		if length > h2MaxFrame {
			f.off = true // FRAME_SIZE_ERROR from the server
			continue
		}
		if len(in) < 9+length {
			f.need = 9 + length
			return
		}
		f.need = 0
		if typ == h2Settings {
			f.ok += f.settings(9 + length)
		} else {
			f.ok += f.fields(9 + length)
		}
	}
}

// splice replaces the n bytes at in[at:] with b.
func (f *h2Front) splice(at, n int, b []byte) {
	rest := len(f.in) - at - n
	if d := len(b) - n; d > 0 {
		f.in = append(f.in, make([]byte, d)...)
	}
	copy(f.in[at+len(b):], f.in[at+n:at+n+rest])
	copy(f.in[at:], b)
	f.in = f.in[:at+len(b)+rest]
}

// settings vets the SETTINGS frame of size bytes at in[ok:], leaving one
// entry per parameter; it returns the frame's new size.
func (f *h2Front) settings(size int) int {
	frame := f.in[f.ok : f.ok+size]
	p := frame[9:]
	n := len(p) / 6
	if frame[4]&h2FlagAck != 0 || len(p)%6 != 0 || n > 100 || binary.BigEndian.Uint32(frame[5:]) != 0 {
		return size // the server refuses (or takes the ack) as it is
	}
	type entry struct {
		id  uint16
		val uint32
		bad bool
	}
	var kept []entry
next:
	for i := range n {
		id, val := binary.BigEndian.Uint16(p[6*i:]), binary.BigEndian.Uint32(p[6*i+2:])
		bad := !h2SettingValid(id, val)
		for j := range kept {
			e := &kept[j]
			if e.id != id {
				continue
			}
			switch {
			case e.bad:
			case bad:
				e.val, e.bad = val, true
			case id == 0x1: // SETTINGS_HEADER_TABLE_SIZE
				e.val = min(e.val, val)
			default:
				e.val = val
			}
			continue next
		}
		kept = append(kept, entry{id, val, bad})
	}
	if len(kept) == n {
		return size
	}
	b := []byte{0, byte(6 * len(kept) >> 8), byte(6 * len(kept)), h2Settings, 0, 0, 0, 0, 0}
	for _, e := range kept {
		b = binary.BigEndian.AppendUint16(b, e.id)
		b = binary.BigEndian.AppendUint32(b, e.val)
	}
	f.splice(f.ok, size, b)
	return len(b)
}

// h2SettingValid applies the limits of RFC 9113 6.5.2 (and RFC 8441 3),
// as the server does.
func h2SettingValid(id uint16, val uint32) bool {
	switch id {
	case 0x2, 0x8: // SETTINGS_ENABLE_PUSH, SETTINGS_ENABLE_CONNECT_PROTOCOL
		return val <= 1
	case 0x4: // SETTINGS_INITIAL_WINDOW_SIZE
		return val <= 1<<31-1
	case 0x5: // SETTINGS_MAX_FRAME_SIZE
		return val >= 16384 && val <= 1<<24-1
	}
	return true
}

// fields decodes the field block fragment of the HEADERS or CONTINUATION
// frame of size bytes at in[ok:]; at the end of a malformed field section
// it adds the CONTINUATION that makes the server refuse it. It returns
// the size of what is to go.
func (f *h2Front) fields(size int) int {
	frame := f.in[f.ok : f.ok+size]
	flags, frag := frame[4], frame[9:]
	if frame[3] == h2Headers {
		f.why = "" // a new field section
		if flags&h2FlagPadded != 0 {
			if len(frag) == 0 || int(frag[0]) >= len(frag) {
				f.off = true // PROTOCOL_ERROR from the server
				return size
			}
			frag = frag[1 : len(frag)-int(frag[0])]
		}
		if flags&h2FlagPriority != 0 {
			if len(frag) < 5 {
				f.off = true
				return size
			}
			frag = frag[5:]
		}
	}
	if _, err := f.dec.Write(frag); err != nil || flags&h2FlagEndHeaders != 0 && f.dec.Close() != nil {
		f.off = true // COMPRESSION_ERROR from the server, whose decoder is in step
		return size
	}
	if flags&h2FlagEndHeaders == 0 || f.why == "" {
		return size
	}
	if f.log != nil {
		f.log.Warn("malformed HTTP/2 request refused", "peer", f.RemoteAddr().String(), "why", f.why)
	}
	frame[4] = flags &^ h2FlagEndHeaders
	cont := append([]byte{0, 0, byte(len(h2Poison)), h2Continuation, h2FlagEndHeaders}, frame[5:9]...) // the same stream
	cont = append(cont, h2Poison...)
	f.splice(f.ok+size, 0, cont)
	return size + len(cont)
}

// field checks one decoded field (RFC 9113 8.2.2).
func (f *h2Front) field(hf hpack.HeaderField) {
	if f.why != "" {
		return
	}
	switch hf.Name {
	case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
		f.why = "connection-specific field " + hf.Name
	case "te":
		if hf.Value != "trailers" {
			f.why = "TE other than trailers"
		}
	}
}

// h2BodySettle bounds the content settleH2Body reads.
const h2BodySettle = 64 << 10

// settleH2Body reads what is left of an HTTP/2 request (its declared
// content, or up to h2BodySettle bytes of undeclared content, until the
// peer ends the stream) before an answer that does not need it is
// written. The server finds a stream error of the request only while it
// comes in: content longer or shorter than its content-length (RFC 9113
// 8.1.1), a flow-control window pushed past 2^31-1 (6.9.1), a zero
// increment (6.9). An answer written first would win the race (and end
// the stream with RST_STREAM NO_ERROR), so whether the peer saw the error
// would depend on timing. A request whose stream ended (ContentLength 0)
// costs nothing here; one whose content fails, or stalls past timeout,
// is reset rather than answered.
func settleH2Body(w http.ResponseWriter, r *http.Request, timeout time.Duration) {
	if r.ProtoMajor != 2 || r.ContentLength == 0 || r.ContentLength > h2BodySettle {
		return
	}
	limit := r.ContentLength
	if limit < 0 {
		limit = h2BodySettle
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
	if _, err := io.Copy(io.Discard, io.LimitReader(r.Body, limit+1)); err != nil {
		panic(http.ErrAbortHandler) // RST_STREAM; the server's own if it found the error
	}
}
