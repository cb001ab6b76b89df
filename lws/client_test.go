package lws

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// clientEvents is a client protocol that reports what happens to it, and
// sends "hello" once established.
type clientEvents struct {
	established, closed chan struct{}
	errs                chan string
	rx                  chan string
}

func newClientEvents() *clientEvents {
	return &clientEvents{make(chan struct{}, 4), make(chan struct{}, 4), make(chan string, 4), make(chan string, 16)}
}

func (e *clientEvents) protocol(name string) *Protocol {
	return &Protocol{Name: name, Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonClientEstablished:
			e.established <- struct{}{}
			c.CallbackOnWritable()
		case ReasonClientWriteable:
			_, err := c.Write([]byte("hello"), WriteText)
			return err
		case ReasonClientReceive:
			e.rx <- string(in)
		case ReasonClientConnectionError:
			e.errs <- string(in)
		case ReasonClientClosed:
			e.closed <- struct{}{}
		}
		return nil
	}}
}

func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

func connectFrom(t *testing.T, client *Context, info ClientConnectInfo) {
	t.Helper()
	errc := make(chan error, 1)
	client.Do(func() {
		_, err := client.ClientConnect(info)
		errc <- err
	})
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestClientEchoRoundTrip(t *testing.T) {
	noLeaks(t)
	server := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{echoProto()}}})
	ev := newClientEvents()
	client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol("echo")}}})
	host, port, _ := net.SplitHostPort(server.Vhosts()[0].Addr())
	p, _ := net.LookupPort("tcp", port)
	connectFrom(t, client, ClientConnectInfo{Address: host, Port: p, Protocol: "echo"})
	wait(t, ev.established, "CLIENT_ESTABLISHED")
	if got := wait(t, ev.rx, "CLIENT_RECEIVE"); got != "hello" {
		t.Fatalf("echo came back as %q", got)
	}
	// The server goes away: the client sees CLIENT_CLOSED.
	server.Destroy()
	wait(t, ev.closed, "CLIENT_CLOSED")
}

func TestClientConnectionRefused(t *testing.T) {
	noLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nobody listens there now
	ev := newClientEvents()
	client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol("p")}}})
	connectFrom(t, client, ClientConnectInfo{Address: "127.0.0.1", Port: port, Protocol: "p"})
	if msg := wait(t, ev.errs, "CLIENT_CONNECTION_ERROR"); !strings.Contains(msg, "refused") {
		t.Fatalf("error text %q", msg)
	}
	select {
	case <-ev.closed:
		t.Fatal("CLIENT_CLOSED after a connection error")
	case <-time.After(200 * time.Millisecond):
	}
}

// testCert makes a certificate for names, valid from notBefore to notAfter,
// signed by parent (self-signed when parent is nil).
func testCert(t *testing.T, cn string, names []string, notBefore, notAfter time.Time, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, DNSNames: names,
		NotBefore: notBefore, NotAfter: notAfter, IsCA: isCA, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	kder, _ := x509.MarshalECPrivateKey(key)
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// The lws client TLS flags (-j self-signed, -k insecure, -m no hostname
// check, -e expired), each accepted and refused where lws would.
func TestClientTLSFlags(t *testing.T) {
	now := time.Now()
	day := 24 * time.Hour
	ca, caKey, caPEM, _ := testCert(t, "test CA", nil, now.Add(-day), now.Add(day), true, nil, nil)
	selfSigned, _, _, _ := testCert(t, "localhost", []string{"localhost"}, now.Add(-day), now.Add(day), false, nil, nil)
	wrongName, _, _, _ := testCert(t, "elsewhere", []string{"elsewhere.example"}, now.Add(-day), now.Add(day), false, nil, nil)
	expired, _, _, _ := testCert(t, "localhost", []string{"localhost"}, now.Add(-3*day), now.Add(-day), false, nil, nil)
	caSigned, _, _, _ := testCert(t, "localhost", []string{"localhost"}, now.Add(-day), now.Add(day), false, ca, caKey)
	system := x509.NewCertPool()
	withCA := x509.NewCertPool()
	withCA.AppendCertsFromPEM(caPEM)
	for _, tc := range []struct {
		name  string
		cert  *x509.Certificate
		roots *x509.CertPool
		flags ClientSSL
		ok    bool
	}{
		{"self-signed, no flags", selfSigned, system, 0, false},
		{"self-signed, -j", selfSigned, system, AllowSelfSigned, true},
		{"wrong name, -j", wrongName, system, AllowSelfSigned, false},
		{"wrong name, -j -m", wrongName, system, AllowSelfSigned | SkipServerCertHostnameCheck, true},
		{"expired, -j", expired, system, AllowSelfSigned, false},
		{"expired, -j -e", expired, system, AllowSelfSigned | AllowExpired, true},
		{"unknown CA, no flags", caSigned, system, 0, false},
		{"unknown CA, -k", caSigned, system, AllowInsecure, true},
		{"trusted CA, no flags", caSigned, withCA, 0, true},
		{"trusted CA, wrong name asked", caSigned, withCA, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "localhost"
			if strings.Contains(tc.name, "wrong name asked") {
				name = "other.example"
			}
			err := verifyPeer([]*x509.Certificate{tc.cert}, name, tc.roots, tc.flags, now)
			if (err == nil) != tc.ok {
				t.Fatalf("verify: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// End to end over wss: refused without -j, accepted with it.
func TestClientTLSEndToEnd(t *testing.T) {
	noLeaks(t)
	now := time.Now()
	_, _, certPEM, keyPEM := testCert(t, "localhost", []string{"localhost"}, now.Add(-time.Hour), now.Add(time.Hour), false, nil, nil)
	server := startContext(t, ContextInfo{VhostInfo: VhostInfo{Name: "localhost", Protocols: []*Protocol{echoProto()}, TLS: TLSInfo{CertMem: certPEM, KeyMem: keyPEM}}})
	_, port, _ := net.SplitHostPort(server.Vhosts()[0].Addr())
	p, _ := net.LookupPort("tcp", port)
	for _, flags := range []ClientSSL{UseSSL, UseSSL | AllowSelfSigned} {
		ev := newClientEvents()
		client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol("echo")}}})
		connectFrom(t, client, ClientConnectInfo{Address: "localhost", Port: p, Protocol: "echo", SSLConnection: flags})
		if flags&AllowSelfSigned == 0 {
			if msg := wait(t, ev.errs, "CLIENT_CONNECTION_ERROR"); !strings.Contains(msg, "certificate") {
				t.Fatalf("error %q", msg)
			}
			continue
		}
		wait(t, ev.established, fmt.Sprintf("CLIENT_ESTABLISHED with flags %d", flags))
		if got := wait(t, ev.rx, "echo"); got != "hello" {
			t.Fatalf("got %q", got)
		}
	}
}

// A client context going away says goodbye with close 1001.
func TestClientTeardownSendsCloseFrame(t *testing.T) {
	peerClose := make(chan []byte, 1)
	srvProto := &Protocol{Name: "echo", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		if reason == ReasonWSPeerInitiatedClose {
			peerClose <- append([]byte(nil), in...)
		}
		return nil
	}}
	server := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{srvProto}}})
	ev := newClientEvents()
	client, err := NewContext(ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol("echo")}}})
	if err != nil {
		t.Fatal(err)
	}
	go client.Run(t.Context())
	host, port, _ := net.SplitHostPort(server.Vhosts()[0].Addr())
	p, _ := net.LookupPort("tcp", port)
	connectFrom(t, client, ClientConnectInfo{Address: host, Port: p, Protocol: "echo"})
	wait(t, ev.established, "established")
	client.Destroy()
	got := wait(t, peerClose, "close frame at the server")
	if len(got) < 2 || int(got[0])<<8|int(got[1]) != 1001 {
		t.Fatalf("close payload %q, want status 1001 (going away)", got)
	}
}

// A server may send frames in the same packet as its 101: the client must
// not lose them between gorilla's handshake and the loop (they arrive
// with no readiness event after the handshake).
func TestClientGetsFramesSentWithThe101(t *testing.T) {
	noLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan net.Conn, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		br := bufio.NewReader(conn)
		req, err := http.ReadRequest(br)
		if err != nil {
			conn.Close()
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n" +
			"Sec-WebSocket-Protocol: early\r\n\r\n"
		// The 101, a text frame and a ping, in one write (unmasked: from a server).
		out := append([]byte(resp), 0x81, 5, 'f', 'i', 'r', 's', 't', 0x89, 0)
		_, _ = conn.Write(out)
		served <- conn
	}()
	ev := newClientEvents()
	client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol("early")}}})
	connectFrom(t, client, ClientConnectInfo{Address: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, Protocol: "early"})
	wait(t, ev.established, "CLIENT_ESTABLISHED")
	if got := wait(t, ev.rx, "CLIENT_RECEIVE"); got != "first" {
		t.Fatalf("first frame came as %q", got)
	}
	conn := wait(t, served, "server side")
	defer conn.Close()
	// The client answers the ping (and sends its "hello"): both frames
	// arrive masked, in some order.
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	seen := map[byte]bool{}
	br := bufio.NewReader(conn)
	for len(seen) < 2 {
		hdr := make([]byte, 2)
		if _, err := io.ReadFull(br, hdr); err != nil {
			t.Fatalf("reading the client's frames: %v", err)
		}
		if hdr[1]&0x80 == 0 {
			t.Fatal("client frame not masked")
		}
		if _, err := br.Discard(4 + int(hdr[1]&0x7f)); err != nil {
			t.Fatal(err)
		}
		seen[hdr[0]] = true
	}
	if !seen[0x8a] || !seen[0x81] {
		t.Fatalf("client sent %v; want a pong (0x8a) and a text frame (0x81)", seen)
	}
}

// RFC 7692 7.1.1.2: a server may accept the client's permessage-deflate
// offer without echoing client_no_context_takeover (Autobahn's fuzzing
// server does, cases 12.x and 13.1.x). The client compresses without
// context takeover anyway, so the connection must be established and
// compressed messages must flow both ways.
func TestClientAcceptsDeflateAnswerWithoutClientNoContextTakeover(t *testing.T) {
	noLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n" +
			"Sec-WebSocket-Protocol: pmd\r\n" +
			"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n"
		// The 101 and a compressed text frame (RSV1, unmasked).
		z := deflate(t, []byte("squeezed"))
		out := append([]byte(resp), 0xc1, byte(len(z)))
		if _, err := conn.Write(append(out, z...)); err != nil {
			return
		}
		// The client's "hello", compressed or not, masked.
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		hdr := make([]byte, 6)
		if _, err := io.ReadFull(br, hdr); err != nil {
			return
		}
		p := make([]byte, hdr[1]&0x7f)
		if _, err := io.ReadFull(br, p); err != nil {
			return
		}
		for i := range p {
			p[i] ^= hdr[2+i%4]
		}
		if hdr[0]&0x40 != 0 {
			r := flate.NewReader(io.MultiReader(bytes.NewReader(p), strings.NewReader("\x00\x00\xff\xff\x01\x00\x00\xff\xff")))
			p, _ = io.ReadAll(r)
		}
		got <- string(p)
	}()
	ev := newClientEvents()
	client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol("pmd")}}})
	connectFrom(t, client, ClientConnectInfo{Address: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, Protocol: "pmd", Deflate: true})
	select {
	case msg := <-ev.errs:
		t.Fatalf("client refused the answer: %s", msg)
	case <-ev.established:
	case <-time.After(10 * time.Second):
		t.Fatal("no CLIENT_ESTABLISHED")
	}
	if msg := wait(t, ev.rx, "CLIENT_RECEIVE"); msg != "squeezed" {
		t.Fatalf("compressed frame came as %q", msg)
	}
	if msg := wait(t, got, "the client's message"); msg != "hello" {
		t.Fatalf("server got %q", msg)
	}
}

func TestCompleteDeflateAnswer(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n",
			"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"},
		{"sec-websocket-extensions: x-other, permessage-deflate;server_no_context_takeover\r\n",
			"sec-websocket-extensions: x-other, permessage-deflate;server_no_context_takeover; client_no_context_takeover\r\n"},
		// Already complete, or without server_no_context_takeover (which
		// the client cannot do without): left to gorilla as it is.
		{"Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; server_no_context_takeover\r\n", ""},
		{"Sec-WebSocket-Extensions: permessage-deflate\r\n", ""},
	} {
		hdr := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" + tc.in + "\r\n"
		want := hdr
		if tc.want != "" {
			want = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" + tc.want + "\r\n"
		}
		if got := string(completeDeflateAnswer([]byte(hdr))); got != want {
			t.Errorf("%q:\ngot  %q\nwant %q", tc.in, got, want)
		}
	}
}
