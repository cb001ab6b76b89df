package lws

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// ClientSSL are the client TLS flags, the mirror of LCCSCF_*.
type ClientSSL int

// Client connection flags with lws's values.
const (
	UseSSL                      ClientSSL = 1 << 0 // LCCSCF_USE_SSL
	AllowSelfSigned             ClientSSL = 1 << 1 // LCCSCF_ALLOW_SELFSIGNED
	SkipServerCertHostnameCheck ClientSSL = 1 << 2 // LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK
	AllowExpired                ClientSSL = 1 << 3 // LCCSCF_ALLOW_EXPIRED
	AllowInsecure               ClientSSL = 1 << 4 // LCCSCF_ALLOW_INSECURE
	// HTTPMultipartMIME makes the request body multipart/form-data with
	// a random boundary; parts start with Conn.ClientHTTPMultipart.
	HTTPMultipartMIME ClientSSL = 1 << 10 // LCCSCF_HTTP_MULTIPART_MIME
	// HTTPNoFollowRedirect hands a 3xx response over as the result.
	HTTPNoFollowRedirect ClientSSL = 1 << 12 // LCCSCF_HTTP_NO_FOLLOW_REDIRECT
	// Pipeline lets HTTP transactions to the same server share one
	// connection: queued on it for HTTP/1.1, streams of it for h2.
	Pipeline ClientSSL = 1 << 16 // LCCSCF_PIPELINE
)

// ClientConnectInfo describes an outgoing connection: the mirror of struct
// lws_client_connect_info. This release makes ws client connections.
type ClientConnectInfo struct {
	Address string // host name or address to connect to
	Port    int
	Path    string // request path, "/" if empty
	Host    string // Host: header; Address if empty
	Origin  string // Origin: header; none if empty
	// Protocol names the ws subprotocol(s) to ask for, comma-separated.
	Protocol string
	// LocalProtocolName names the protocol on Vhost whose callback gets the
	// connection's events (lws's local_protocol_name); by default the one
	// named by Protocol.
	LocalProtocolName string
	SSLConnection     ClientSSL
	// TrustedCA is extra PEM CA certificates to trust (lws's client CA on
	// the vhost); the system roots are trusted too.
	TrustedCA []byte
	// Vhost the connection is made on (its protocols and logger); the
	// context's first vhost if nil.
	Vhost *Vhost
	// Userdata becomes the connection's pss instead of the protocol's
	// NewSession (lws's userdata).
	Userdata any
	// RetryPolicy gives the connection its validity ping and hang-up times
	// (and the backoff RetrySchedule uses).
	RetryPolicy *RetryBackoff
	// Deflate offers permessage-deflate.
	Deflate bool
	// Method makes an HTTP client transaction instead of a ws connection
	// (lws's method: "GET", "POST", ...).
	Method string
	// ALPN chooses the HTTP version: "" prefers h2 by ALPN as lws does,
	// "http/1.1" forces HTTP/1.1, "h2-prior-knowledge" speaks cleartext
	// HTTP/2 from the start.
	ALPN string
}

// url is where a client connection goes: the plain or secure scheme (by
// UseSSL), host:port, and the path ("/" if empty).
func (info ClientConnectInfo) url(plain, secure string) string {
	scheme := plain
	if info.SSLConnection&UseSSL != 0 {
		scheme = secure
	}
	path := info.Path
	if path == "" {
		path = "/"
	}
	return scheme + "://" + net.JoinHostPort(info.Address, strconv.Itoa(info.Port)) + path
}

// ClientConnect starts a ws client connection (or, with a Method, an HTTP
// client transaction: ReasonEstablishedClientHTTP, the body as
// ReasonReceiveClientHTTPRead pieces, ReasonCompletedClientHTTP, then
// ReasonClosedClientHTTP) and returns its wsi at once:
// the mirror of lws_client_connect_via_info. The outcome arrives on the
// loop: ReasonClientEstablished, or ReasonClientConnectionError with the
// reason as text (no close callback follows an error, as in lws). Call it
// on the loop or before Run.
func (c *Context) ClientConnect(info ClientConnectInfo) (*Conn, error) {
	vh := info.Vhost
	if vh == nil {
		if len(c.vhosts) == 0 {
			return nil, errors.New("lws: client connect: no vhost")
		}
		vh = c.vhosts[0]
	}
	name := info.LocalProtocolName
	if name == "" {
		name, _, _ = strings.Cut(info.Protocol, ",")
		name = strings.TrimSpace(name)
	}
	proto := vh.ProtocolByName(name)
	if proto == nil {
		return nil, fmt.Errorf("lws: client connect: vhost %q has no protocol %q", vh.name, name)
	}
	conn := &Conn{ctx: c, vh: vh, proto: proto, role: roleWSClient, path: info.Path}
	conn.pss = info.Userdata
	if conn.pss == nil && proto.NewSession != nil {
		conn.pss = proto.NewSession()
	}
	conn.peer = net.JoinHostPort(info.Address, strconv.Itoa(info.Port))
	if info.Method != "" {
		if err := c.connectHTTP(conn, info); err != nil {
			return nil, err
		}
		return conn, nil
	}
	w := &wsConn{c: conn, policy: &defaultRetry, client: true}
	if info.RetryPolicy != nil {
		w.policy = info.RetryPolicy
	}
	conn.ws = w
	hdr := http.Header{}
	if info.Origin != "" {
		// lws examples pass a bare host ("origin = address"); an Origin is
		// a URL, and servers that check it (gorilla's default) refuse a
		// bare host, so give it the scheme the connection uses.
		origin := info.Origin
		if !strings.Contains(origin, "://") {
			scheme := "http://"
			if info.SSLConnection&UseSSL != 0 {
				scheme = "https://"
			}
			origin = scheme + origin
		}
		hdr.Set("Origin", origin)
	}
	if info.Host != "" {
		hdr.Set("Host", info.Host)
	}
	if !c.goroutine(func() { conn.dial(info, hdr) }) {
		return nil, ErrDestroyed
	}
	return conn, nil
}

// dial runs off the loop: TCP, TLS, the ws handshake.
func (conn *Conn) dial(info ClientConnectInfo, hdr http.Header) {
	c, w := conn.ctx, conn.ws
	url := info.url("ws", "wss")
	var cc *clientConn // a plain connection the loop takes after the handshake
	d := websocket.Dialer{
		HandshakeTimeout:  30 * time.Second,
		WriteBufferPool:   txPool,
		EnableCompression: info.Deflate,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if loopClients && info.SSLConnection&UseSSL == 0 {
				cc = &clientConn{tc: nc.(*net.TCPConn)}
				return cc, nil
			}
			nb, err := newNBConn(nc.(*net.TCPConn))
			if err != nil {
				nc.Close()
				return nil, err
			}
			w.nb = nb
			return nb, nil
		},
	}
	for _, p := range strings.Split(info.Protocol, ",") {
		if p = strings.TrimSpace(p); p != "" {
			d.Subprotocols = append(d.Subprotocols, p)
		}
	}
	if info.SSLConnection&UseSSL != 0 {
		cfg, err := clientTLS(info)
		if err != nil {
			conn.connectFailed(err)
			return
		}
		d.TLSClientConfig = cfg
	}
	ctx, cancel := context.WithCancel(c.life) // ends with the context too
	defer cancel()
	ws, resp, err := d.DialContext(ctx, url, hdr)
	if err != nil {
		if resp != nil {
			err = fmt.Errorf("%w (HTTP status %d)", err, resp.StatusCode)
		}
		conn.connectFailed(err)
		return
	}
	w.ws = ws
	w.nc = ws.NetConn()
	if cc != nil {
		if err := cc.toLoop(w); err != nil {
			ws.Close()
			conn.connectFailed(fmt.Errorf("ws client socket: %w", err))
			return
		}
		w.fc.noteDeflate(resp.Header)
	}
	ws.SetCloseHandler(w.onPeerClose)
	ws.SetReadLimit(conn.vh.maxMessageSize())
	if w.nb != nil {
		ws.SetPingHandler(w.pong)
	}
	ws.SetPongHandler(func(string) error {
		c.loop.post(func() { w.gotPong() })
		return nil
	})
	if !c.loop.post(func() { w.establishClient() }) {
		ws.Close()
	}
}

// connectFailed delivers ReasonClientConnectionError with the reason.
func (conn *Conn) connectFailed(err error) {
	conn.ctx.loop.post(func() {
		if conn.closed {
			return
		}
		conn.closed = true
		conn.ctx.log.Info("client connection failed", "peer", conn.peer, "err", err)
		_ = conn.call(ReasonClientConnectionError, []byte(err.Error()))
	})
}

// establishClient runs on the loop once the handshake succeeded.
func (w *wsConn) establishClient() {
	c := w.c
	ctx := c.ctx
	if c.closed { // the context is going away
		w.ws.Close()
		return
	}
	ctx.conns.add(c)
	if w.nb != nil {
		w.nb.enterLoopMode(func() { ctx.loop.post(c.writeDone) }, w.readFailed, ctx.goroutine)
	}
	w.lastValid = monoNow()
	c.deliver(ReasonClientEstablished, nil)
	if c.closed {
		return
	}
	if w.fc != nil {
		w.watch() // a plain connection is the loop's, as on the server side
		return
	}
	// A TLS client connection keeps one reader goroutine: clients are few,
	// and gorilla keeps the client side's read buffer to itself.
	w.mu.Lock()
	w.clientReading = true
	w.mu.Unlock()
	if !ctx.goroutine(w.clientReadLoop) {
		c.closeNow(closeReasonContextDestroy)
		return
	}
	w.scheduleValidity()
}

// clientReadLoop reads messages until the connection ends.
func (w *wsConn) clientReadLoop() {
	defer w.readerDone()
	for w.waitUnpaused() {
		if err := w.readMessage(); err != nil {
			w.readFailed(err)
			return
		}
	}
}

// clientTLS builds the TLS configuration for lws's client TLS flags.
func clientTLS(info ClientConnectInfo) (*tls.Config, error) {
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if len(info.TrustedCA) > 0 && !roots.AppendCertsFromPEM(info.TrustedCA) {
		return nil, errors.New("client TLS: TrustedCA holds no PEM certificate")
	}
	name := info.Host
	if name == "" {
		name = info.Address
	}
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	flags := info.SSLConnection
	return &tls.Config{
		ServerName: name,
		MinVersion: tls.VersionTLS12,
		// Verification is done below, where lws's flags can relax it.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyPeer(cs.PeerCertificates, name, roots, flags, time.Now())
		},
	}, nil
}

// verifyPeer checks the server's chain as lws does, relaxed by the flags:
// AllowSelfSigned accepts a certificate that signs itself, AllowInsecure
// any chain, AllowExpired a certificate outside its validity, and
// SkipServerCertHostnameCheck a name mismatch.
func verifyPeer(certs []*x509.Certificate, name string, roots *x509.CertPool, flags ClientSSL, now time.Time) error {
	if len(certs) == 0 {
		return errors.New("server sent no certificate")
	}
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	at := now
	if flags&AllowExpired != 0 && (now.After(leaf.NotAfter) || now.Before(leaf.NotBefore)) {
		at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at}
	_, err := leaf.Verify(opts)
	if err != nil {
		var unknown x509.UnknownAuthorityError
		// Self-signed: issued by itself and its signature checks with its
		// own key (CheckSignatureFrom would insist on a CA).
		selfSigned := len(certs) == 1 && string(leaf.RawIssuer) == string(leaf.RawSubject) &&
			leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil
		switch {
		case flags&AllowInsecure != 0 && errors.As(err, &unknown):
		case flags&AllowSelfSigned != 0 && selfSigned && errors.As(err, &unknown):
			// Trust it as its own root, which still checks its dates.
			self := x509.NewCertPool()
			self.AddCert(leaf)
			opts.Roots = self
			if _, err := leaf.Verify(opts); err != nil {
				return fmt.Errorf("self-signed server certificate: %w", err)
			}
		default:
			return fmt.Errorf("server certificate: %w", err)
		}
	}
	if flags&SkipServerCertHostnameCheck == 0 {
		if err := leaf.VerifyHostname(name); err != nil {
			return fmt.Errorf("server certificate: %w", err)
		}
	}
	return nil
}
