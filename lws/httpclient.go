package lws

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// httpClient is the network side of an HTTP client connection (a wsi made
// by ClientConnect with a Method). The request runs on a core goroutine
// with net/http's Transport; the protocol hears about it on the loop.
type httpClient struct {
	reqHeader  http.Header // built in CLIENT_APPEND_HANDSHAKE_HEADER
	status     int
	proto      string // "HTTP/2.0", "HTTP/1.1"
	respHeader http.Header
	credits    chan struct{} // bounds how far the body reader runs ahead
	cancel     context.CancelFunc

	// The request body, written from CLIENT_HTTP_WRITEABLE into a pipe
	// that the Transport reads. Loop-owned.
	bodyPending bool // lws_client_http_body_pending(wsi, 1) is in force
	bodyUsed    bool // the request was sent with the pipe as its body
	bodyClosed  bool
	bodyR       *io.PipeReader
	bodyW       *io.PipeWriter
	multipart   bool   // LCCSCF_HTTP_MULTIPART_MIME
	boundary    string // the multipart boundary
	laterPart   bool   // a part was started already

	redirectedToGet bool // a redirect turned the method into GET
}

// HTTPStatus is the response status of an HTTP client connection
// (lws_http_client_http_response).
func (c *Conn) HTTPStatus() int {
	if c.hc == nil {
		return 0
	}
	return c.hc.status
}

// HTTPVersion is the protocol the response came over, "HTTP/2.0" or
// "HTTP/1.1".
func (c *Conn) HTTPVersion() string {
	if c.hc == nil {
		return ""
	}
	return c.hc.proto
}

// ResponseHeader returns a response header of an HTTP client connection
// (lws_hdr_copy on a client wsi).
func (c *Conn) ResponseHeader(name string) string {
	if c.hc == nil || c.hc.respHeader == nil {
		return ""
	}
	return c.hc.respHeader.Get(name)
}

// connectHTTP starts an HTTP client transaction (ClientConnect with a
// Method).
func (c *Context) connectHTTP(conn *Conn, info ClientConnectInfo) error {
	conn.role = roleHTTPClient
	hc := &httpClient{reqHeader: http.Header{}, credits: make(chan struct{}, readAhead)}
	hc.bodyR, hc.bodyW = io.Pipe()
	if info.SSLConnection&HTTPMultipartMIME != 0 {
		// lws_http_multipart_headers: a random boundary and the
		// content type; the body is pending from the start.
		hc.multipart, hc.bodyPending = true, true
		hc.boundary = rand.Text()[:16]
		hc.reqHeader.Set("Content-Type", `multipart/form-data; boundary="`+hc.boundary+`"`)
	}
	conn.hc = hc
	reqCtx, cancel := context.WithCancel(c.life) // ends with the context too
	hc.cancel = cancel
	if !c.goroutine(func() { conn.doHTTP(reqCtx, info) }) {
		cancel()
		return ErrDestroyed
	}
	return nil
}

// httpTransport gives the net/http transport for lws's ALPN, TLS and
// pipelining choices. A connection with the Pipeline flag shares one
// transport per server and settings, limited to one network connection, so
// its requests queue on it (HTTP/1.1) or become streams of it (h2), which
// is what LCCSCF_PIPELINE does in lws. Without the flag every transaction
// has its own transport and connection, as every lws client wsi has.
func (c *Context) httpTransport(info ClientConnectInfo) (*http.Transport, bool, error) {
	shared := info.SSLConnection&Pipeline != 0
	key := fmt.Sprint(info.Address, info.Port, info.SSLConnection&^(HTTPMultipartMIME|HTTPNoFollowRedirect), info.ALPN, string(info.TrustedCA))
	if shared {
		c.tmu.Lock()
		defer c.tmu.Unlock()
		if tr := c.transports[key]; tr != nil {
			return tr, true, nil
		}
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	tr := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		DisableCompression:    true, // lws hands over the body as sent
		MaxIdleConnsPerHost:   -1,   // one transaction per wsi, as in lws
		ForceAttemptHTTP2:     true, // lws prefers h2 by ALPN
	}
	if shared {
		tr.MaxIdleConnsPerHost = 1
		tr.MaxConnsPerHost = 1
	}
	if info.SSLConnection&UseSSL != 0 {
		cfg, err := clientTLS(info)
		if err != nil {
			return nil, false, err
		}
		tr.TLSClientConfig = cfg
		// Every connection of this transport is a TLS one: count it
		// against the context's simultaneous_ssl_restriction.
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			return c.dialTLSCounted(ctx, dialer, network, addr)
		}
	}
	switch info.ALPN {
	case "http/1.1": // lws's --h1: ALPN forced to h1
		tr.ForceAttemptHTTP2 = false
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	case "h2-prior-knowledge":
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetUnencryptedHTTP2(true)
	}
	if shared {
		if c.transports == nil {
			c.transports = map[string]*http.Transport{}
		}
		c.transports[key] = tr
	}
	return tr, shared, nil
}

// errSSLRestriction is the connection error when the context's TLS
// connection limit is reached.
var errSSLRestriction = errors.New("simultaneous TLS connection limit reached")

// dialTLSCounted dials a connection that will carry TLS, refusing it when
// ContextInfo.SimultaneousSSLRestriction connections are open already.
func (c *Context) dialTLSCounted(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	limit := int32(c.info.SimultaneousSSLRestriction)
	if n := c.sslConns.Add(1); limit > 0 && n > limit {
		c.sslConns.Add(-1)
		return nil, fmt.Errorf("%w (%d)", errSSLRestriction, limit)
	}
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		c.sslConns.Add(-1)
		return nil, err
	}
	return &countedConn{Conn: nc, n: &c.sslConns}, nil
}

// countedConn gives its place in the TLS count back when it closes.
type countedConn struct {
	net.Conn
	once sync.Once
	n    *atomic.Int32
}

func (cc *countedConn) Close() error {
	cc.once.Do(func() { cc.n.Add(-1) })
	return cc.Conn.Close()
}

// closeTransports drops the pipelining transports' idle connections at
// context teardown.
func (c *Context) closeTransports() {
	c.tmu.Lock()
	defer c.tmu.Unlock()
	for _, tr := range c.transports {
		tr.CloseIdleConnections()
	}
	c.transports = nil
}

// doHTTP runs off the loop: headers from the protocol, the request (with a
// body written from CLIENT_HTTP_WRITEABLE if one is pending), then the
// response body in pieces.
func (conn *Conn) doHTTP(ctx context.Context, info ClientConnectInfo) {
	c, hc := conn.ctx, conn.hc
	defer hc.cancel()
	// However the transaction ends, a body writer blocked on the pipe is
	// released.
	defer hc.bodyR.CloseWithError(errors.New("lws: http client transaction ended"))
	// CLIENT_APPEND_HANDSHAKE_HEADER: the protocol may add headers now,
	// and say a body follows (lws_client_http_body_pending).
	type appended struct {
		err  error
		body bool
	}
	added := make(chan appended, 1)
	if !c.loop.post(func() {
		err := conn.call(ReasonClientAppendHandshakeHdr, nil)
		hc.bodyUsed = hc.bodyPending && !conn.closed
		added <- appended{err: err, body: hc.bodyUsed}
	}) {
		return
	}
	var body bool
	select {
	case a := <-added:
		if a.err != nil {
			conn.connectFailed(fmt.Errorf("append handshake header: %w", a.err))
			return
		}
		body = a.body
	case <-c.destroyCh:
		return
	}
	url := info.url("http", "https")
	tr, shared, err := c.httpTransport(info)
	if err != nil {
		conn.connectFailed(err)
		return
	}
	if !shared {
		defer tr.CloseIdleConnections()
	}
	var reqBody io.Reader
	if body {
		reqBody = hc.bodyR
	}
	req, err := http.NewRequestWithContext(ctx, info.Method, url, reqBody)
	if err != nil {
		conn.connectFailed(err)
		return
	}
	req.Header = hc.reqHeader
	if body {
		// A content-length the protocol gave becomes the request's; else
		// the body goes chunked (h1) or in DATA frames (h2).
		req.ContentLength = -1
		if n, err := strconv.ParseInt(req.Header.Get("Content-Length"), 10, 64); err == nil {
			req.ContentLength = n
		}
		req.Header.Del("Content-Length")
	}
	if info.Host != "" {
		req.Host = info.Host
	}
	client := &http.Client{Transport: tr, CheckRedirect: conn.checkRedirect(info)}
	resp, err := client.Do(req)
	if err != nil {
		conn.connectFailed(err)
		return
	}
	defer resp.Body.Close()
	status, respHeader, proto := resp.StatusCode, resp.Header, resp.Proto
	c.loop.post(func() {
		hc.status, hc.respHeader, hc.proto = status, respHeader, proto
		conn.ctx.conns.add(conn)
		conn.ctx.log.Debug("http client established", "peer", conn.peer, "status", status, "proto", proto)
		conn.deliver(ReasonEstablishedClientHTTP, nil)
	})
	// A body that stalls longer than the vhost timeout ends the
	// transaction, as lws's timeouts do.
	stall := time.AfterFunc(conn.vh.timeout(), hc.cancel)
	defer stall.Stop()
	for {
		buf := make([]byte, conn.proto.rxBufferSize())
		n, rerr := resp.Body.Read(buf)
		stall.Reset(conn.vh.timeout())
		if n > 0 {
			select {
			case hc.credits <- struct{}{}: // at most readAhead pieces wait for the loop
			case <-c.destroyCh:
				return
			}
			piece := buf[:n]
			c.loop.post(func() {
				<-hc.credits
				conn.deliver(ReasonReceiveClientHTTPRead, piece)
			})
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			c.loop.post(func() {
				conn.ctx.log.Info("http client body failed", "peer", conn.peer, "err", rerr)
				conn.closeNow(closeReasonPeer)
			})
			return
		}
	}
	c.loop.post(func() {
		conn.deliver(ReasonCompletedClientHTTP, nil)
		conn.closeNow(closeReasonPeer)
	})
}

// maxRedirects is how many redirects one transaction follows.
const maxRedirects = 10

// checkRedirect follows redirects as lws does unless the connection has
// HTTPNoFollowRedirect: the protocol hears of each in
// ReasonClientHTTPRedirect (in = the new URL) and refuses it by returning an
// error, in which case the redirect response itself is the result.
func (conn *Conn) checkRedirect(info ClientConnectInfo) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if info.SSLConnection&HTTPNoFollowRedirect != 0 {
			return http.ErrUseLastResponse
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("lws: stopped after %d redirects", maxRedirects)
		}
		toGet := req.Method == http.MethodGet && via[0].Method != http.MethodGet
		verdict := make(chan error, 1)
		if !conn.ctx.loop.post(func() {
			conn.hc.redirectedToGet = toGet
			verdict <- conn.call(ReasonClientHTTPRedirect, []byte(req.URL.String()))
		}) {
			return ErrDestroyed
		}
		select {
		case err := <-verdict:
			if err != nil {
				return http.ErrUseLastResponse
			}
			return nil
		case <-req.Context().Done():
			return req.Context().Err()
		}
	}
}

// IsRedirectedToGet reports whether a redirect turned this POST into a GET
// (lws_http_is_redirected_to_get), after which there is no body to send.
func (c *Conn) IsRedirectedToGet() bool {
	return c.hc != nil && c.hc.redirectedToGet
}

// ClientHTTPBodyPending says, from CLIENT_APPEND_HANDSHAKE_HEADER, that a
// request body follows from ReasonClientHTTPWriteable callbacks, or (false)
// that the body is complete: lws_client_http_body_pending.
func (c *Conn) ClientHTTPBodyPending(pending bool) {
	hc := c.hc
	if hc == nil {
		return
	}
	hc.bodyPending = pending
	// Inside a writeable callback the final piece usually follows (lws's
	// examples call this first); settle closes the body after it.
	if !c.writeAllowed {
		hc.settle(c)
	}
}

// settle ends the body once it is no longer pending and nothing is being
// written.
func (hc *httpClient) settle(c *Conn) {
	if !hc.bodyPending && hc.bodyUsed && !c.writeBusy {
		hc.closeBody()
	}
}

func (hc *httpClient) closeBody() {
	if !hc.bodyClosed {
		hc.bodyClosed = true
		hc.bodyW.Close()
	}
}

// write sends one piece of the request body (Write on an HTTP client
// connection): the piece goes into the pipe the Transport reads, off the
// loop, and the next ReasonClientHTTPWriteable comes once it has been
// taken. WriteHTTPFinal ends the body.
func (hc *httpClient) write(c *Conn, b []byte, wp WriteProtocol) error {
	kind := wp &^ (WriteNoFin | WriteH2StreamEnd)
	if kind != WriteHTTP && kind != WriteHTTPFinal {
		return fmt.Errorf("lws: http client body write of kind %d", wp)
	}
	if !hc.bodyUsed || hc.bodyClosed {
		return errors.New("lws: http client body is not pending (call ClientHTTPBodyPending in CLIENT_APPEND_HANDSHAKE_HEADER)")
	}
	final := kind == WriteHTTPFinal
	if final {
		hc.bodyPending = false
	}
	piece := bytes.Clone(b)
	w := hc.bodyW
	c.writeBusy = true
	if !c.ctx.goroutine(func() {
		_, err := w.Write(piece)
		c.ctx.loop.post(func() {
			if err != nil {
				c.ctx.log.Debug("http client body write failed", "peer", c.peer, "err", err)
			}
			c.writeBusy = false
			hc.settle(c)
			c.writeDone()
		})
	}) {
		c.writeBusy = false
		return ErrDestroyed
	}
	return nil
}

// ClientHTTPMultipart appends to b the start of a multipart/form-data part
// named name (with a filename and content type if given), or with name ""
// the closing boundary, and returns the result: lws_client_http_multipart.
// The connection needs the HTTPMultipartMIME flag.
func (c *Conn) ClientHTTPMultipart(b []byte, name, filename, contentType string) ([]byte, error) {
	hc := c.hc
	if hc == nil || !hc.multipart {
		return b, errors.New("lws: ClientHTTPMultipart needs a client connection made with HTTPMultipartMIME")
	}
	if name == "" {
		return append(b, "\r\n--"+hc.boundary+"--\r\n"...), nil
	}
	if hc.laterPart {
		b = append(b, "\r\n"...)
	}
	hc.laterPart = true
	b = append(b, "--"+hc.boundary+"\r\nContent-Disposition: form-data; name=\""+name+"\""...)
	if filename != "" {
		b = append(b, "; filename=\""+filename+"\""...)
	}
	if contentType != "" {
		b = append(b, "\r\nContent-Type: "+contentType...)
	}
	return append(b, "\r\n\r\n"...), nil
}

// addClientHeader is AddHTTPHeader on an HTTP client connection.
func (c *Conn) addClientHeader(name, value string) error {
	if c.hc == nil {
		return errors.New("lws: not an http client connection")
	}
	c.hc.reqHeader.Add(name, strings.TrimSpace(value))
	return nil
}
