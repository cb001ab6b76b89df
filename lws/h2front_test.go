package lws

import (
	"bytes"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The HTTP/2 front (h2front.go), with x/net/http2's Framer as the peer,
// over TLS and h2c: each case is one of the places where the server alone
// departs from RFC 9113. h2spec checks everything else (the
// minimal-http-server-tls example's test).

// h2Peer is a raw HTTP/2 client connection.
type h2Peer struct {
	t    *testing.T
	conn net.Conn
	fr   *http2.Framer
	enc  *hpack.Encoder
	buf  bytes.Buffer
}

// h2Connect opens a connection (TLS with ALPN h2, or h2c with prior
// knowledge) and exchanges the prefaces and SETTINGS.
func h2Connect(t *testing.T, addr string, tlsOn bool) *h2Peer {
	t.Helper()
	var conn net.Conn
	var err error
	if tlsOn {
		conn, err = tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}})
	} else {
		conn, err = net.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	p := &h2Peer{t: t, conn: conn, fr: http2.NewFramer(conn, conn)}
	p.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	p.enc = hpack.NewEncoder(&p.buf)
	if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
		t.Fatal(err)
	}
	if err := p.fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	for {
		f, err := p.fr.ReadFrame()
		if err != nil {
			t.Fatalf("handshake: %v", err)
		}
		if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
			break
		}
	}
	if err := p.fr.WriteSettingsAck(); err != nil {
		t.Fatal(err)
	}
	return p
}

// headers sends a request's HEADERS on stream id: method and path, then
// the extra fields (name, value pairs).
func (p *h2Peer) headers(id uint32, method, path string, endStream bool, extra ...string) {
	p.t.Helper()
	p.buf.Reset()
	fields := append([]string{":method", method, ":scheme", "https", ":path", path, ":authority", "localhost"}, extra...)
	for i := 0; i < len(fields); i += 2 {
		_ = p.enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	if err := p.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: p.buf.Bytes(), EndStream: endStream, EndHeaders: true}); err != nil {
		p.t.Fatal(err)
	}
}

// next returns the next frame that is not connection housekeeping
// (SETTINGS, WINDOW_UPDATE, PING); a closed connection is nil.
func (p *h2Peer) next() http2.Frame {
	p.t.Helper()
	for {
		f, err := p.fr.ReadFrame()
		if err != nil {
			return nil
		}
		switch f.(type) {
		case *http2.SettingsFrame, *http2.WindowUpdateFrame, *http2.PingFrame:
			continue
		}
		return f
	}
}

// expectReset wants RST_STREAM on stream id with code.
func (p *h2Peer) expectReset(id uint32, code http2.ErrCode) {
	p.t.Helper()
	f := p.next()
	if r, ok := f.(*http2.RSTStreamFrame); !ok || r.StreamID != id || r.ErrCode != code {
		p.t.Fatalf("got %v, want RST_STREAM %v on stream %d", describeFrame(f), code, id)
	}
}

// expectStatus wants a response on stream id with status.
func (p *h2Peer) expectStatus(id uint32, status string) {
	p.t.Helper()
	f := p.next()
	h, ok := f.(*http2.MetaHeadersFrame)
	if !ok || h.StreamID != id || h.PseudoValue("status") != status {
		p.t.Fatalf("got %v, want a %s response on stream %d", describeFrame(f), status, id)
	}
}

func describeFrame(f http2.Frame) string {
	switch f := f.(type) {
	case nil:
		return "the connection closed"
	case *http2.MetaHeadersFrame:
		return "HEADERS :status " + f.PseudoValue("status")
	case *http2.RSTStreamFrame:
		return "RST_STREAM " + f.ErrCode.String()
	case *http2.GoAwayFrame:
		return "GOAWAY " + f.ErrCode.String()
	case *http2.DataFrame:
		return f.Header().String()
	}
	return f.Header().String()
}

func TestH2Front(t *testing.T) {
	for _, tlsOn := range []bool{true, false} {
		name := "h2c"
		info := fileVhost(0)
		if tlsOn {
			name = "tls"
			cert, key := selfSigned(t)
			info.TLS = TLSInfo{CertMem: cert, KeyMem: key}
		} else {
			info.Options |= OptionH2PriorKnowledge
		}
		t.Run(name, func(t *testing.T) {
			noLeaks(t)
			c := startContext(t, ContextInfo{VhostInfo: info})
			addr := c.Vhosts()[0].Addr()
			connect := func(t *testing.T) *h2Peer { return h2Connect(t, addr, tlsOn) }

			// RFC 9113 9.2.2: no HTTP/2 over a TLS 1.2 cipher without
			// AEAD.
			if tlsOn {
				t.Run("inadequate-security", func(t *testing.T) {
					conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"},
						MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}})
					if err != nil {
						t.Fatal(err)
					}
					defer conn.Close()
					_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
					f, err := http2.NewFramer(conn, conn).ReadFrame()
					if g, ok := f.(*http2.GoAwayFrame); !ok || g.ErrCode != http2.ErrCodeInadequateSecurity {
						t.Fatalf("got %v (%v), want GOAWAY INADEQUATE_SECURITY", f, err)
					}
				})
			}

			// RFC 9113 6.5.3: the values of a SETTINGS frame are
			// processed in order, a parameter named twice included.
			t.Run("settings-twice", func(t *testing.T) {
				p := connect(t)
				if err := p.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 100},
					http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1}); err != nil {
					t.Fatal(err)
				}
				p.headers(1, "GET", "/", true)
				p.expectStatus(1, "200")
				if f, ok := p.next().(*http2.DataFrame); !ok || len(f.Data()) != 1 {
					t.Fatalf("got %v, want a DATA frame of 1 byte (the last window size)", describeFrame(f))
				}
			})
			// RFC 9113 8.2.2: connection-specific fields and TE other
			// than "trailers" make a request malformed; the connection
			// goes on, its HPACK state in step.
			t.Run("connection-specific", func(t *testing.T) {
				p := connect(t)
				p.headers(1, "GET", "/", true, "x-indexed", "v", "connection", "keep-alive")
				p.expectReset(1, http2.ErrCodeProtocol)
				p.headers(3, "GET", "/", true, "te", "gzip")
				p.expectReset(3, http2.ErrCodeProtocol)
				p.headers(5, "GET", "/", true, "x-indexed", "v", "te", "trailers")
				p.expectStatus(5, "200")
			})
			// RFC 9113 4.2: a frame over SETTINGS_MAX_FRAME_SIZE (16384).
			t.Run("frame-too-big", func(t *testing.T) {
				p := connect(t)
				p.headers(1, "GET", "/", true, "x-big", strings.Repeat("~", 17000))
				f := p.next()
				if g, ok := f.(*http2.GoAwayFrame); !ok || g.ErrCode != http2.ErrCodeFrameSize {
					t.Fatalf("got %v, want GOAWAY FRAME_SIZE_ERROR", describeFrame(f))
				}
				for p.next() != nil {
					// The server closes the connection (in a second).
				}
			})
			// RFC 9113 8.1.1: content longer than its content-length,
			// sent to a mount whose answer does not read it.
			t.Run("content-longer-than-declared", func(t *testing.T) {
				p := connect(t)
				p.headers(1, "POST", "/", false, "content-length", "1")
				_ = p.fr.WriteData(1, false, []byte("test"))
				_ = p.fr.WriteData(1, true, []byte("test"))
				p.expectReset(1, http2.ErrCodeProtocol)
			})
			// RFC 9113 6.9.1: a stream window pushed past 2^31-1, on a
			// request whose stream is still open.
			t.Run("window-overflow", func(t *testing.T) {
				p := connect(t)
				p.headers(1, "GET", "/", false)
				_ = p.fr.WriteWindowUpdate(1, 1<<31-1)
				_ = p.fr.WriteWindowUpdate(1, 1<<31-1)
				p.expectReset(1, http2.ErrCodeFlowControl)
			})
		})
	}
}
