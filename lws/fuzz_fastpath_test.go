package lws

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzFastPathVsNetHTTP is the differential fuzz target of the static
// fast path (fastpath.go) against net/http. Any request bytes go, over
// TCP, to a plain listener (the fast path in front of net/http, as
// served), and the same bytes to that listener's handler served by
// net/http alone (an in-memory connection). Both must answer alike:
// the same responses (status, headers but Date, body) in the same order,
// hence the same verdict for each request and the same bytes consumed by
// each, pipelined ones included, and the same end of the connection.
//
// Where net/http is lax, the fast path is held to RFC 9112: every request
// the fast path answers itself must pass rfc9112Head, the grammar written
// out below with its sections, and must be read by net/http as the same
// method, path, Host, version and keep-alive.
func FuzzFastPathVsNetHTTP(f *testing.F) {
	env := newFastFuzzEnv(f)
	f.Add([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 64<<10 {
			return
		}
		want, reqs := env.reference(t, raw)
		got := env.served(t, raw)
		methods := make([]string, len(reqs))
		for i, r := range reqs {
			methods[i] = r.method
		}
		gr, gerr := readResponses(got, methods)
		wr, werr := readResponses(want, methods)
		if gerr != nil || werr != nil {
			t.Fatalf("%q: responses do not parse: served: %v; net/http: %v\nserved:  %q\nnet/http: %q", raw, gerr, werr, got, want)
		}
		if why := sameResponses(gr, wr); why != "" {
			t.Fatalf("%q: %s\nserved:  %q\nnet/http: %q", raw, why, got, want)
		}
		// The requests the fast path answered itself.
		for i, fr := range fastRequests(env.l, raw) {
			head := raw[fr.start:fr.end]
			if err := rfc9112Head(head); err != nil {
				t.Fatalf("the fast path answered %q, which RFC 9112 refuses: %v", head, err)
			}
			if i >= len(reqs) {
				t.Fatalf("the fast path answered %q, net/http read no request there", head)
			}
			if r := reqs[i]; !fr.sameAs(r) {
				t.Fatalf("%q: the fast path read %+v, net/http %+v", head, fr, r)
			}
		}
	})
}

// fastFuzzEnv is one context per fuzz worker: a plain file vhost (the
// fast path answers from its OriginFS mount), and an http.Server with the
// listener's settings and handler serving in-memory connections.
type fastFuzzEnv struct {
	l     *listener
	addr  string
	ref   *http.Server
	conns chan net.Conn

	mu   sync.Mutex
	reqs []refRequest // the requests the reference read, in order
}

// refRequest is what net/http read of a request.
type refRequest struct {
	method, path, host, proto string
	close                     bool
}

func newFastFuzzEnv(f *testing.F) *fastFuzzEnv {
	e := &fastFuzzEnv{conns: make(chan net.Conn)}
	info := fileVhost(OptionHTTPHeadersSecurity)
	info.Interface = "127.0.0.1"
	info.Headers = map[string]string{"X-Vhost": "fuzz"}
	c, err := NewContext(ContextInfo{VhostInfo: info, Logger: slog.New(slog.DiscardHandler), NoIdleTrim: true})
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range c.listeners {
		e.l = l
	}
	e.addr = c.Vhosts()[0].Addr()
	// net/http alone: the listener's own server settings and handler.
	s := e.l.srv
	e.ref = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.mu.Lock()
			e.reqs = append(e.reqs, refRequest{r.Method, r.URL.Path, r.Host, r.Proto, r.Close})
			e.mu.Unlock()
			e.l.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: s.ReadHeaderTimeout,
		IdleTimeout:       s.IdleTimeout,
		MaxHeaderBytes:    s.MaxHeaderBytes,
		ErrorLog:          s.ErrorLog,
		Protocols:         s.Protocols,
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = e.ref.Serve(&chanListener{conns: e.conns, done: make(chan struct{})})
	}()
	done := make(chan error, 1)
	runCtx := f.Context()
	go func() { done <- c.Run(runCtx) }()
	f.Cleanup(func() {
		_ = e.ref.Close()
		<-served
		c.Stop()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			f.Error("context did not stop")
		}
	})
	return e
}

// served sends raw to the listener over TCP, half-closes, and returns
// everything it answered until it closed the connection.
func (e *fastFuzzEnv) served(t *testing.T, raw []byte) []byte {
	c, err := net.DialTimeout("tcp", e.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conn := c.(*net.TCPConn)
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		_, _ = conn.Write(raw)
		_ = conn.CloseWrite()
	}()
	out, err := io.ReadAll(conn)
	if isTimeout(err) {
		t.Fatalf("%q: the listener kept the connection open for 10 s", raw)
	}
	return out
}

// reference serves raw with net/http alone and returns its answer and
// the requests it read.
func (e *fastFuzzEnv) reference(t *testing.T, raw []byte) ([]byte, []refRequest) {
	e.mu.Lock()
	e.reqs = nil
	e.mu.Unlock()
	mc := newHTTPMemConn(raw)
	e.conns <- mc
	select {
	case <-mc.closed:
	case <-time.After(10 * time.Second):
		t.Fatalf("%q: net/http kept the connection open for 10 s", raw)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	mc.mu.Lock()
	defer mc.mu.Unlock()
	return bytes.Clone(mc.out.Bytes()), slices.Clone(e.reqs)
}

// fastReq is a request the fast path answers itself, where its head lies
// in the input.
type fastReq struct {
	start, end int
	head       bool
	path, host string
	http10     bool
	close      bool
}

func (f fastReq) sameAs(r refRequest) bool {
	method, proto := http.MethodGet, "HTTP/1.1"
	if f.head {
		method = http.MethodHead
	}
	if f.http10 {
		proto = "HTTP/1.0"
	}
	return r.method == method && r.path == f.path && r.host == f.host && r.proto == proto && r.close == f.close
}

// fastRequests runs the fast path's decisions (fastListener.serve) over
// raw: the requests it answers before it hands over or stops.
func fastRequests(l *listener, raw []byte) []fastReq {
	br := bufio.NewReaderSize(bytes.NewReader(raw), 4096)
	var out []fastReq
	for off := 0; ; {
		n, req, err := peekRequest(br)
		if err != nil || l.fastResponse(&req) == nil {
			return out
		}
		line, _, _ := bytes.Cut(raw[off:off+n], []byte("\r\n"))
		out = append(out, fastReq{start: off, end: off + n, head: req.head, path: string(req.path),
			host: string(req.host), http10: bytes.HasSuffix(line, []byte("HTTP/1.0")), close: req.close})
		_, _ = br.Discard(n)
		off += n
		if req.close {
			return out
		}
	}
}

// readResponses parses a connection's answers; methods are the requests'
// (a HEAD response has no body).
func readResponses(b []byte, methods []string) ([]*http.Response, error) {
	br := bufio.NewReader(bytes.NewReader(b))
	var out []*http.Response
	for i := 0; ; i++ {
		if _, err := br.Peek(1); err == io.EOF {
			return out, nil
		}
		req := &http.Request{Method: http.MethodGet}
		if i < len(methods) {
			req.Method = methods[i]
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return out, fmt.Errorf("response %d: %w", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return out, fmt.Errorf("response %d body: %w", i, err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
}

// sameResponses compares two answers but for their Date lines.
func sameResponses(got, want []*http.Response) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d responses, net/http gave %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Proto != w.Proto || g.StatusCode != w.StatusCode {
			return fmt.Sprintf("response %d: %s %d, net/http %s %d", i, g.Proto, g.StatusCode, w.Proto, w.StatusCode)
		}
		for k := range mergeKeys(g.Header, w.Header) {
			if k != "Date" && !slices.Equal(g.Header[k], w.Header[k]) {
				return fmt.Sprintf("response %d: header %s: %q, net/http %q", i, k, g.Header[k], w.Header[k])
			}
		}
		gb, _ := io.ReadAll(g.Body)
		wb, _ := io.ReadAll(w.Body)
		if !bytes.Equal(gb, wb) {
			return fmt.Sprintf("response %d: body %q, net/http %q", i, gb, wb)
		}
	}
	return ""
}

func mergeKeys(a, b http.Header) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// rfc9112Head checks a request head the fast path may answer itself
// against RFC 9112 (and RFC 9110 / 3986 where it points), stricter than
// net/http, which accepts some of what this refuses:
//
//   - lines end with CRLF; a bare CR or LF is not a line end (2.2: a bare
//     CR must be refused or replaced; the fast path leaves bare LF, which
//     2.2 lets a server accept, to net/http);
//   - request-line = method SP request-target SP HTTP-version (3), one SP
//     each, method a token (RFC 9110 9.1), the target in origin-form
//     (3.2.1: absolute-path [ "?" query ], RFC 3986 3.3 and 3.4 characters),
//     HTTP-version "HTTP/1.0" or "HTTP/1.1" (2.3);
//   - no whitespace before the first field line (2.2) and no obs-fold
//     (5.2: a server must refuse or replace it);
//   - field-line = field-name ":" OWS field-value OWS (5), the name a
//     token with no whitespace before the colon (5.1: 400), the value
//     visible characters, obs-text, SP and HTAB only (RFC 9110 5.5: no
//     CR, LF, NUL or other controls);
//   - Host (3.2): exactly one in an HTTP/1.1 request, at most one in
//     HTTP/1.0, a uri-host [ ":" port ] (RFC 3986 3.2.2, 3.2.3);
//   - no Content-Length or Transfer-Encoding: the fast path answers
//     requests without content only, and a body it did not read would be
//     taken for the next request (6.3);
//   - at most 4096 bytes (the fast path's buffer; 3 leaves limits to
//     the server, which answers the rest from net/http).
func rfc9112Head(head []byte) error {
	if len(head) > 4096 {
		return errors.New("longer than the fast path's buffer")
	}
	body, ok := bytes.CutSuffix(head, []byte("\r\n\r\n"))
	if !ok {
		return errors.New("does not end with an empty line")
	}
	lines := strings.Split(string(body), "\r\n")
	for _, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			return errors.New("bare CR or LF (RFC 9112 2.2)")
		}
	}
	method, rest, ok1 := strings.Cut(lines[0], " ")
	target, version, ok2 := strings.Cut(rest, " ")
	switch {
	case !ok1 || !ok2 || strings.Contains(version, " "):
		return errors.New("request-line is not method SP request-target SP HTTP-version (RFC 9112 3)")
	case !isRFCToken(method):
		return errors.New("method is not a token (RFC 9110 9.1)")
	case version != "HTTP/1.1" && version != "HTTP/1.0":
		return errors.New("HTTP-version (RFC 9112 2.3)")
	case !originForm(target):
		return errors.New("request-target is not in origin-form (RFC 9112 3.2.1)")
	}
	hosts := 0
	for _, l := range lines[1:] {
		if l == "" || l[0] == ' ' || l[0] == '\t' {
			return errors.New("whitespace before a field line, or obs-fold (RFC 9112 2.2, 5.2)")
		}
		name, value, ok := strings.Cut(l, ":")
		switch {
		case !ok:
			return errors.New("field line without a colon (RFC 9112 5)")
		case !isRFCToken(name):
			return errors.New("field-name is not a token, or whitespace before the colon (RFC 9112 5.1)")
		case !fieldValue(value):
			return errors.New("field-value holds a control character (RFC 9110 5.5)")
		}
		value = strings.Trim(value, " \t")
		switch strings.ToLower(name) {
		case "host":
			hosts++
			if !uriHostPort(value) {
				return errors.New("Host is not uri-host [ \":\" port ] (RFC 9112 3.2)")
			}
		case "content-length", "transfer-encoding":
			return errors.New("the request has content (RFC 9112 6.3)")
		}
	}
	if hosts > 1 || hosts == 0 && version == "HTTP/1.1" {
		return fmt.Errorf("%d Host fields (RFC 9112 3.2)", hosts)
	}
	return nil
}

func isRFCToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// pchar is RFC 3986 3.3: unreserved / pct-encoded / sub-delims / ":" / "@".
func pchar(s string, i int) (int, bool) {
	c := s[i]
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0:
		return 1, true
	case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
		return 3, true
	}
	return 0, false
}

// originForm is absolute-path [ "?" query ] (RFC 9112 3.2.1).
func originForm(t string) bool {
	path, query, _ := strings.Cut(t, "?")
	if path == "" || path[0] != '/' {
		return false
	}
	for i := 0; i < len(path); {
		if path[i] == '/' {
			i++
			continue
		}
		n, ok := pchar(path, i)
		if !ok {
			return false
		}
		i += n
	}
	for i := 0; i < len(query); {
		if query[i] == '/' || query[i] == '?' {
			i++
			continue
		}
		n, ok := pchar(query, i)
		if !ok {
			return false
		}
		i += n
	}
	return true
}

// fieldValue: VCHAR, obs-text, SP and HTAB (RFC 9110 5.5).
func fieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// uriHostPort is uri-host [ ":" port ] (RFC 3986 3.2.2, 3.2.3), with an
// empty value allowed (RFC 9112 3.2: a target with no authority).
func uriHostPort(v string) bool {
	host, port := v, ""
	if i := strings.LastIndexByte(v, ':'); i >= 0 && !strings.HasSuffix(v, "]") {
		host, port = v[:i], v[i+1:] // port = *DIGIT
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	if strings.HasPrefix(host, "[") {
		return strings.HasSuffix(host, "]") && validIPLiteral(host[1:len(host)-1])
	}
	for i := 0; i < len(host); {
		c := host[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!$&'()*+,;=", c) >= 0:
			i++
		case c == '%' && i+2 < len(host) && isHex(host[i+1]) && isHex(host[i+2]):
			i += 3
		default:
			return false
		}
	}
	return true
}

// chanListener hands net/http the connections sent on conns.
type chanListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// httpMemConn is a connection whose peer sent in and then half-closed;
// what the server writes is kept, closed is closed when it closes.
type httpMemConn struct {
	mu     sync.Mutex
	in     []byte
	out    bytes.Buffer
	closed chan struct{}
	once   sync.Once
}

func newHTTPMemConn(in []byte) *httpMemConn {
	return &httpMemConn{in: in, closed: make(chan struct{})}
}

func (c *httpMemConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *httpMemConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func (c *httpMemConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

func (c *httpMemConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }
func (c *httpMemConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
func (c *httpMemConn) SetDeadline(time.Time) error      { return nil }
func (c *httpMemConn) SetReadDeadline(time.Time) error  { return nil }
func (c *httpMemConn) SetWriteDeadline(time.Time) error { return nil }
