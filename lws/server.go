package lws

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// listener is one listening socket shared by the vhosts on its port (lws
// shares a port between vhosts and picks one by Host: and SNI).
type listener struct {
	ctx    *Context
	addr   string
	ln     net.Listener
	fast   *fastListener // plain HTTP: the fast path in front of net/http
	srv    *http.Server
	h2     *h2Server // HTTP/2, when the listener speaks it (h2front.go)
	tls    bool
	raw    *net.TCPListener // a raw-only listener: accepted sockets are adopted (raw_listen.go)
	served chan struct{}
	// draining: the listening socket is closed (Context.Deprecate) while
	// the connections it accepted go on.
	draining atomic.Bool

	mu     sync.RWMutex // vhosts change on the loop, are read by handlers
	vhosts []*Vhost
}

// bind gives vh a listener: a new one, or the existing one on its port.
func (c *Context) bind(vh *Vhost) error {
	if vh.info.Port != 0 {
		addr := net.JoinHostPort(vh.info.Interface, strconv.Itoa(vh.info.Port))
		if l, ok := c.listeners[addr]; ok {
			if l.tls != vh.info.TLS.enabled() {
				return fmt.Errorf("port %d: vhosts sharing a port must all use TLS or none", vh.info.Port)
			}
			l.mu.Lock()
			l.vhosts = append(l.vhosts, vh)
			l.mu.Unlock()
			vh.ln = l
			return nil
		}
	}
	addr := net.JoinHostPort(vh.info.Interface, strconv.Itoa(vh.info.Port))
	lc := net.ListenConfig{}
	if (vh.info.Options|c.info.Options)&OptionAllowListenShare != 0 {
		lc.Control = reusePort
	}
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	vh.port = ln.Addr().(*net.TCPAddr).Port
	addr = net.JoinHostPort(vh.info.Interface, strconv.Itoa(vh.port))
	l := &listener{ctx: c, addr: addr, tls: vh.info.TLS.enabled(), vhosts: []*Vhost{vh}, served: make(chan struct{})}
	vh.ln = l
	if vh.info.Options&OptionAdoptApplyListenAcceptConfig != 0 {
		if l.tls {
			ln.Close()
			return fmt.Errorf("listen on %s: TLS on a raw listener is not supported yet", addr)
		}
		l.raw = ln.(*net.TCPListener)
		c.listeners[addr] = l
		go l.serveRaw()
		return nil
	}
	keepalive := vh.info.KeepaliveTimeout
	if keepalive == 0 {
		keepalive = 5 * time.Second
	}
	// No ReadTimeout: net/http then clears the read deadline once a
	// request's head is read, which replayConn relies on (fastpath.go).
	l.srv = &http.Server{
		Handler:           l,
		ReadHeaderTimeout: vh.timeout(), // a slowloris header trickle is cut off here
		IdleTimeout:       keepalive,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(c.log.Handler(), slog.LevelDebug),
		Protocols:         new(http.Protocols),
	}
	l.srv.Protocols.SetHTTP1(true)
	if l.tls || vh.info.Options&OptionH2PriorKnowledge != 0 {
		// HTTP/2 goes to a server of its own, behind a frame-checking
		// front (h2front.go): by ALPN, or from the fast path (h2c).
		l.h2 = newH2Server(l, ln.Addr())
	}
	if l.tls {
		l.srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){"h2": l.h2.serveTLS}
		cfg := &tls.Config{
			NextProtos:     []string{"h2", "http/1.1"},
			GetCertificate: l.certificate,
			MinVersion:     tls.VersionTLS12,
		}
		l.ln = tls.NewListener(nbListener{ln.(*net.TCPListener)}, cfg)
	} else {
		l.fast = newFastListener(l, ln.(*net.TCPListener))
		l.ln = l.fast
	}
	c.listeners[addr] = l
	go func() {
		defer close(l.served)
		if err := l.srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !l.draining.Load() {
			c.log.Error("listener stopped", "addr", addr, "err", err)
		}
	}()
	return nil
}

// certificate picks the vhost certificate by SNI, else the first one.
func (l *listener) certificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var first *tls.Certificate
	for _, vh := range l.vhosts {
		if vh.tlsCert == nil {
			continue
		}
		if first == nil {
			first = vh.tlsCert
		}
		if strings.EqualFold(vh.name, hello.ServerName) {
			return vh.tlsCert, nil
		}
	}
	if first == nil {
		return nil, errors.New("no certificate on this port")
	}
	return first, nil
}

// remove detaches a destroyed vhost; the last one closes the socket.
func (l *listener) remove(vh *Vhost) {
	l.mu.Lock()
	for i, v := range l.vhosts {
		if v == vh {
			l.vhosts = slices.Delete(l.vhosts, i, i+1) // clears the freed slot: the backing array keeps no reference
			break
		}
	}
	empty := len(l.vhosts) == 0
	l.mu.Unlock()
	if empty {
		l.close()
		delete(l.ctx.listeners, l.addr)
	}
}

// stopAccepting closes the listening socket only: connections already
// accepted go on, and HTTP keep-alive ends after each one's current request.
func (l *listener) stopAccepting() {
	l.draining.Store(true)
	if l.raw != nil {
		_ = l.raw.Close()
		return
	}
	l.srv.SetKeepAlivesEnabled(false)
	if l.h2 != nil {
		l.h2.srv.SetKeepAlivesEnabled(false)
	}
	if l.fast != nil {
		l.fast.draining.Store(true)
		_ = l.fast.tcp.Close()
		return
	}
	_ = l.ln.Close()
}

func (l *listener) close() {
	if l.raw != nil {
		l.draining.Store(true)
		_ = l.raw.Close()
		<-l.served
		return
	}
	_ = l.srv.Close()
	<-l.served
	if l.h2 != nil {
		l.h2.close()
	}
	if l.fast != nil {
		l.fast.Close()
		l.fast.wait()
	}
}

// pick chooses the vhost for a request by Host: (lws matches the vhost name,
// then falls back to the first vhost on the port).
func (l *listener) pick(host string) *Vhost {
	l.mu.RLock()
	defer l.mu.RUnlock()
	vhosts := l.vhosts
	if len(vhosts) == 0 {
		return nil
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	for _, vh := range vhosts {
		if strings.EqualFold(vh.name, name) {
			return vh
		}
	}
	return vhosts[0]
}

// ServeHTTP is where every request on the port arrives: vhost selection,
// then a ws upgrade or the vhost's mounts.
func (l *listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
		// RFC 9112 6.1: a request with both Content-Length and a
		// Transfer-Encoding may be smuggling a second request in its
		// body, and the server must close the connection after
		// answering it. net/http drops the Content-Length of a chunked
		// request before a handler sees it, so every chunked HTTP/1.x
		// request ends its connection.
		w.Header().Set("Connection", "close")
	}
	if !validHost(r.Host) {
		l.ctx.log.Warn("invalid Host header refused", "host", r.Host, "peer", r.RemoteAddr, "status", http.StatusBadRequest)
		w.Header().Set("Connection", "close")
		http.Error(w, "400 Bad Request: invalid Host header", http.StatusBadRequest)
		return
	}
	vh := l.pick(r.Host)
	if vh == nil || vh.destroyed {
		http.Error(w, "no vhost", http.StatusServiceUnavailable)
		return
	}
	vh.addHeaders(w.Header())
	if websocket.IsWebSocketUpgrade(r) {
		vh.upgrade(w, r)
		return
	}
	vh.serveHTTP(w, r)
}

// securityHeaders are lws's "best practice" headers (from the Mozilla
// Observatory), sent with LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE.
// Each value is shared by every response, so its slice has len == cap.
var securityHeaders = []struct {
	key string
	val []string
}{
	{"Content-Security-Policy", []string{"default-src 'none'; img-src 'self' data: ; script-src 'self'; font-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none';form-action 'self';"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Xss-Protection", []string{"1; mode=block"}},
	{"X-Frame-Options", []string{"deny"}},
	{"Referrer-Policy", []string{"no-referrer"}},
}

func (v *Vhost) addHeaders(h http.Header) {
	if v.info.Options&OptionHTTPHeadersSecurity != 0 {
		for _, kv := range securityHeaders {
			h[kv.key] = kv.val
		}
	}
	for k, val := range v.info.Headers {
		h.Set(k, val)
	}
}

// serveHTTP routes a plain HTTP request through the vhost's mounts.
func (v *Vhost) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := cleanRel(r.URL.Path); err != nil {
		v.refuse(w, r, http.StatusForbidden, "path traversal refused")
		return
	}
	m := v.matchMount(r.URL.Path)
	if m == nil || m.OriginProtocol != OriginCallback && m.OriginProtocol != OriginHTTP && m.OriginProtocol != OriginHTTPS && m.OriginProtocol != OriginCGI {
		settleH2Body(w, r, v.timeout()) // the answer will not read the content
	}
	if m == nil {
		v.notFound(w, r)
		return
	}
	if !v.basicAuth(w, r, m) {
		return
	}
	switch m.OriginProtocol {
	case OriginFile:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			v.refuse(w, r, http.StatusMethodNotAllowed, "method not allowed on a file mount")
			return
		}
		v.serveFile(w, r, m, r.URL.Path)
	case OriginCallback:
		v.serveCallback(w, r, m)
	case OriginRedirHTTP, OriginRedirHTTPS:
		v.redirect(w, r, m)
	case OriginCGI:
		v.serveCGI(w, r, m) // cgi.go
	case OriginHTTP, OriginHTTPS:
		r.URL.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, m.Mountpoint), "/")
		r.URL.RawPath = ""
		m.proxy.ServeHTTP(w, r)
	}
}

// nbListener wraps accepted TCP connections in nbConn, so that a TLS
// connection upgraded to ws can have non-blocking writes underneath TLS.
type nbListener struct{ *net.TCPListener }

func (l nbListener) Accept() (net.Conn, error) {
	tc, err := l.AcceptTCP()
	if err != nil {
		return nil, err
	}
	nb, err := newNBConn(tc)
	if err != nil {
		tc.Close()
		return nil, fmt.Errorf("wrap accepted connection: %w", err)
	}
	return nb, nil
}
