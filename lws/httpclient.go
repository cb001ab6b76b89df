package lws

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
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
	conn.hc = &httpClient{reqHeader: http.Header{}, credits: make(chan struct{}, readAhead)}
	if !c.goroutine(func() { conn.doHTTP(info) }) {
		return ErrDestroyed
	}
	return nil
}

// transport builds the net/http transport for lws's ALPN and TLS choices.
func httpTransport(info ClientConnectInfo) (*http.Transport, error) {
	tr := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		DisableCompression:    true, // lws hands over the body as sent
		MaxIdleConnsPerHost:   -1,   // one transaction per wsi, as in lws
		ForceAttemptHTTP2:     true, // lws prefers h2 by ALPN
	}
	if info.SSLConnection&UseSSL != 0 {
		cfg, err := clientTLS(info)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = cfg
	}
	switch info.ALPN {
	case "http/1.1": // lws's --h1: ALPN forced to h1
		tr.ForceAttemptHTTP2 = false
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	case "h2-prior-knowledge":
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetUnencryptedHTTP2(true)
	}
	return tr, nil
}

// doHTTP runs off the loop: headers from the protocol, the request, then
// the body in pieces.
func (conn *Conn) doHTTP(info ClientConnectInfo) {
	c, hc := conn.ctx, conn.hc
	// CLIENT_APPEND_HANDSHAKE_HEADER: the protocol may add headers now.
	added := make(chan error, 1)
	if !c.loop.post(func() { added <- conn.call(ReasonClientAppendHandshakeHdr, nil) }) {
		return
	}
	select {
	case err := <-added:
		if err != nil {
			conn.connectFailed(fmt.Errorf("append handshake header: %w", err))
			return
		}
	case <-c.destroyCh:
		return
	}
	scheme := "http"
	if info.SSLConnection&UseSSL != 0 {
		scheme = "https"
	}
	path := info.Path
	if path == "" {
		path = "/"
	}
	url := scheme + "://" + net.JoinHostPort(info.Address, strconv.Itoa(info.Port)) + path
	tr, err := httpTransport(info)
	if err != nil {
		conn.connectFailed(err)
		return
	}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.destroyCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, info.Method, url, nil)
	if err != nil {
		conn.connectFailed(err)
		return
	}
	req.Header = hc.reqHeader
	if info.Host != "" {
		req.Host = info.Host
	}
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		conn.connectFailed(err)
		return
	}
	defer resp.Body.Close()
	hc.status, hc.respHeader, hc.proto = resp.StatusCode, resp.Header, resp.Proto
	proto := resp.Proto
	c.loop.post(func() {
		conn.ctx.conns[conn] = struct{}{}
		conn.ctx.log.Debug("http client established", "peer", conn.peer, "status", hc.status, "proto", proto)
		conn.deliver(ReasonEstablishedClientHTTP, nil)
	})
	// A body that stalls longer than the vhost timeout ends the
	// transaction, as lws's timeouts do.
	stall := time.AfterFunc(conn.vh.timeout(), cancel)
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

// addClientHeader is AddHTTPHeader on an HTTP client connection.
func (c *Conn) addClientHeader(name, value string) error {
	if c.hc == nil {
		return errors.New("lws: not an http client connection")
	}
	c.hc.reqHeader.Add(name, strings.TrimSpace(value))
	return nil
}
