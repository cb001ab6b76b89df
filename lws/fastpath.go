package lws

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The fast path answers the commonest request a file server sees (a plain
// GET or HEAD over HTTP/1.x for a file an OriginFS mount holds in memory)
// straight from a precomputed response, below net/http: one read, one
// writev, no allocation. Anything else, at the first sign of it (a body, an
// upgrade, a range, percent-encoding, an odd header, TLS), goes to net/http
// with every byte read so far, so behaviour never depends on which path
// answered; only the cost does. lws serves files from its own parser in the
// same spirit.

// fastListener accepts plain TCP connections for a listener: each starts on
// the fast path and is handed to net/http (through Accept) when needed.
type fastListener struct {
	l       *listener
	tcp     *net.TCPListener
	handoff chan net.Conn
	done    chan struct{}
	once    sync.Once
	// draining: the socket was closed by Context.Deprecate; the
	// connections being served finish.
	draining atomic.Bool

	mu     sync.Mutex
	active map[*net.TCPConn]struct{} // on the fast path now
	wg     sync.WaitGroup            // their goroutines and the accept loop
}

func newFastListener(l *listener, tcp *net.TCPListener) *fastListener {
	f := &fastListener{l: l, tcp: tcp, handoff: make(chan net.Conn), done: make(chan struct{}),
		active: map[*net.TCPConn]struct{}{}}
	f.wg.Add(1)
	go f.acceptLoop()
	return f
}

func (f *fastListener) acceptLoop() {
	defer f.wg.Done()
	for {
		c, err := f.tcp.AcceptTCP()
		if err != nil {
			if !f.draining.Load() { // draining: served connections finish
				f.Close()
			}
			return
		}
		f.mu.Lock()
		select {
		case <-f.done:
			f.mu.Unlock()
			_ = c.Close()
			return
		default:
		}
		f.active[c] = struct{}{}
		f.wg.Add(1)
		f.mu.Unlock()
		go func() {
			defer f.wg.Done()
			f.serve(c)
			f.mu.Lock()
			delete(f.active, c)
			f.mu.Unlock()
		}()
	}
}

// Accept gives net/http the connections the fast path handed over.
func (f *fastListener) Accept() (net.Conn, error) {
	select {
	case c := <-f.handoff:
		return c, nil
	case <-f.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes the connections on the fast path (the
// ones handed over are net/http's to close).
func (f *fastListener) Close() error {
	f.once.Do(func() {
		f.mu.Lock()
		close(f.done)
		for c := range f.active {
			_ = c.Close()
		}
		f.mu.Unlock()
		_ = f.tcp.Close()
	})
	return nil
}

// wait returns once every fast-path goroutine has ended.
func (f *fastListener) wait() { f.wg.Wait() }

func (f *fastListener) Addr() net.Addr { return f.tcp.Addr() }

// fastReaders are the fast path's buffered readers, returned when a
// connection closes or goes to net/http with nothing buffered.
var fastReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// serve answers fast requests on c until one needs net/http.
func (f *fastListener) serve(c *net.TCPConn) {
	br := fastReaders.Get().(*bufio.Reader)
	br.Reset(c)
	vh := f.l.firstVhost()
	idle, header := 5*time.Second, 20*time.Second
	if vh != nil {
		header = vh.timeout()
		if vh.info.KeepaliveTimeout > 0 {
			idle = vh.info.KeepaliveTimeout
		}
	}
	var out []byte // this connection's response buffer, reused
	var deadline time.Time
	if vh != nil && vh.info.Options&OptionFallbackToApplyListenAcceptConfig != 0 {
		_ = c.SetReadDeadline(time.Now().Add(header))
		if raw, err := notHTTP(br); err != nil || raw {
			if err == nil {
				b, _ := br.Peek(br.Buffered())
				f.l.fallBack(c, b)
			} else {
				_ = c.Close()
			}
			br.Reset(nil)
			fastReaders.Put(br)
			return
		}
	}
	for served := 0; ; served++ {
		// One deadline covers waiting for the request and reading all of
		// its header: the header timeout for the first request, the
		// keep-alive idle time after (slowloris protection either way).
		// Pipelined requests are already here and need none.
		if br.Buffered() == 0 {
			wait := min(idle, header)
			if served == 0 {
				wait = header
			}
			deadline = time.Now().Add(wait)
			_ = c.SetReadDeadline(deadline)
		}
		n, req, err := peekRequest(br)
		// Not a fast request, or the peer ended part way through one:
		// net/http answers that (400), as it would have alone. (After a
		// response net/http waits for four bytes of the next request
		// before reading it: fewer, then the end, is a silent close.)
		partial := errors.Is(err, io.EOF) && br.Buffered() > 0 && (served == 0 || br.Buffered() >= 4)
		if errors.Is(err, errNotFast) && served > 0 && br.Buffered() < 4 {
			// Likewise for fewer than four bytes the fast path would
			// hand over already (a bare LF): wait for four.
			if _, perr := br.Peek(4); perr != nil {
				f.drop(c, br)
				return
			}
		}
		if errors.Is(err, errNotFast) || partial {
			f.handOff(c, br, deadline)
			return
		}
		if err != nil {
			if br.Buffered() > 0 {
				// Part of a request, then silence or a vanished peer: say
				// so, it is what a slowloris attack looks like.
				f.l.ctx.log.Info("closing connection with an incomplete request header",
					"peer", c.RemoteAddr().String(), "bytes", br.Buffered(), "err", err)
			}
			f.drop(c, br)
			return
		}
		resp := f.l.fastResponse(&req)
		if resp == nil {
			f.handOff(c, br, deadline)
			return
		}
		_, _ = br.Discard(n)
		if out, err = resp.write(c, &req, out); err != nil || req.close {
			f.drop(c, br)
			return
		}
	}
}

func (f *fastListener) drop(c *net.TCPConn, br *bufio.Reader) {
	_ = c.Close()
	br.Reset(nil)
	fastReaders.Put(br)
}

// handOff passes the connection to net/http. Bytes already buffered are
// replayed first. The request being read keeps its deadline: net/http
// would start its header timeout afresh, and a header trickled to the fast
// path for most of the timeout would get it twice (lws times a header from
// its first byte, whoever parses it).
func (f *fastListener) handOff(c *net.TCPConn, br *bufio.Reader, deadline time.Time) {
	rc := &replayConn{TCPConn: c, br: br, headerDeadline: deadline}
	if h2 := f.l.h2; h2 != nil {
		if b, _ := br.Peek(br.Buffered()); bytes.HasPrefix(b, []byte(h2Preface[:16])) {
			h2.serve(rc, nil, false) // h2c with prior knowledge (h2front.go)
			return
		}
	}
	if br.Buffered() == 0 {
		br.Reset(nil)
		fastReaders.Put(br)
		rc.br = nil
	}
	select {
	case f.handoff <- rc:
	case <-f.done:
		_ = c.Close()
	}
}

// replayConn is a connection whose first bytes were already read by the
// fast path; Read returns them before reading the socket again. Its
// methods other than Read and SetReadDeadline are the TCP connection's.
type replayConn struct {
	*net.TCPConn
	br *bufio.Reader
	// headerDeadline bounds the read deadlines net/http sets until it has
	// read the head of the request the fast path handed over.
	headerDeadline time.Time
	headerRead     atomic.Bool
}

// SetReadDeadline is the TCP connection's, except that no deadline net/http
// sets for the handed-over request's head (its ReadHeaderTimeout, counted
// afresh) reaches past the one the fast path gave that head. net/http
// clears the deadline once it has read a request's head (or an h2c
// preface), since the server sets no ReadTimeout: from then on deadlines
// pass unchanged.
func (r *replayConn) SetReadDeadline(t time.Time) error {
	if !r.headerDeadline.IsZero() && !r.headerRead.Load() {
		switch {
		case t.IsZero():
			r.headerRead.Store(true)
		case t.After(r.headerDeadline):
			t = r.headerDeadline
		}
	}
	return r.TCPConn.SetReadDeadline(t)
}

func (r *replayConn) Read(p []byte) (int, error) {
	if r.br == nil {
		return r.TCPConn.Read(p)
	}
	if r.br.Buffered() == 0 {
		// Drained: give the buffer back and read directly from now on.
		br := r.br
		r.br = nil
		br.Reset(nil)
		fastReaders.Put(br)
		return r.TCPConn.Read(p)
	}
	return r.br.Read(p)
}

// fastRequest is what the fast path needs of a request.
type fastRequest struct {
	head        bool   // HEAD rather than GET
	path        []byte // without the query
	host        []byte
	ifNoneMatch []byte
	close       bool // the connection ends after this response
	http10      bool // an HTTP/1.0 request
}

// errNotFast means "let net/http answer this": nothing is wrong with the
// request as far as the fast path can tell.
var errNotFast = errors.New("lws: not a fast-path request")

// peekRequest parses the request at the front of br without consuming it,
// returning its length. It accepts only what it fully understands.
func peekRequest(br *bufio.Reader) (int, fastRequest, error) {
	var req fastRequest
	var buf []byte
	var early earlyCheck
	for {
		var err error
		buf, err = br.Peek(br.Buffered())
		if err != nil {
			return 0, req, err
		}
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			buf = buf[:i+4]
			break
		}
		if early.notFast(buf) {
			return 0, req, errNotFast
		}
		if br.Buffered() >= br.Size() {
			return 0, req, errNotFast // big headers: net/http has the limits
		}
		if _, err := br.Peek(br.Buffered() + 1); err != nil {
			return 0, req, err // timeout (slowloris) or the peer went away
		}
	}
	total := len(buf)
	if hasCTL(buf) {
		return 0, req, errNotFast
	}
	line, rest, _ := bytes.Cut(buf, []byte("\r\n"))
	head, target, http10, ok := parseRequestLine(line)
	if !ok {
		return 0, req, errNotFast
	}
	req.head, req.http10 = head, http10
	path, query, hasQuery := bytes.Cut(target, []byte("?"))
	if !fastPathOK(path) || hasQuery && !fastQueryOK(query) {
		return 0, req, errNotFast
	}
	req.path = path
	hasHost, hasClose, hasKeepAlive := false, false, false
	for len(rest) > 2 {
		var hl []byte
		hl, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(hl, []byte(":"))
		if !ok || len(name) == 0 || !isToken(name) {
			return 0, req, errNotFast
		}
		value = bytes.Trim(value, " \t") // OWS (RFC 9110 5.6.3), as net/http trims
		switch {
		case asciiEqualFold(name, "host"):
			if hasHost {
				return 0, req, errNotFast // net/http answers the 400
			}
			hasHost, req.host = true, value
		case asciiEqualFold(name, "connection"):
			// Options are tokens (RFC 9110 7.6.1), as net/http reads
			// them: "close" in "xclose" is not one.
			hasClose = hasClose || hasToken(value, "close")
			hasKeepAlive = hasKeepAlive || hasToken(value, "keep-alive")
			if asciiContainsFold(value, "upgrade") {
				return 0, req, errNotFast
			}
		case asciiEqualFold(name, "if-none-match"):
			if req.ifNoneMatch == nil {
				req.ifNoneMatch = value // the first, as the file server reads it
			}
		case asciiEqualFold(name, "content-length"), asciiEqualFold(name, "transfer-encoding"),
			asciiEqualFold(name, "upgrade"), asciiEqualFold(name, "expect"),
			asciiEqualFold(name, "range"), asciiEqualFold(name, "if-range"):
			return 0, req, errNotFast
		}
	}
	if !hasHost && !http10 || !validHost(req.host) {
		return 0, req, errNotFast // net/http answers the 400
	}
	// HTTP/1.1 persists unless closed; HTTP/1.0 only with keep-alive
	// (RFC 9112 9.3).
	req.close = hasClose || http10 && !hasKeepAlive
	return total, req, nil
}

// hasToken reports whether the comma-separated list v holds tok (lower
// case ASCII) in any case, without allocating.
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		var elem []byte
		elem, v, _ = bytes.Cut(v, []byte(","))
		if asciiEqualFold(bytes.Trim(elem, " \t"), tok) {
			return true
		}
	}
	return false
}

// parseRequestLine accepts "GET" or "HEAD", a target and HTTP/1.1 or
// HTTP/1.0, each separated by one space.
func parseRequestLine(line []byte) (head bool, target []byte, http10, ok bool) {
	method, line, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(line, []byte(" "))
	if !ok1 || !ok2 {
		return false, nil, false, false
	}
	switch string(method) {
	case "GET":
	case "HEAD":
		head = true
	default:
		return false, nil, false, false
	}
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		http10 = true
	default:
		return false, nil, false, false
	}
	return head, target, http10, true
}

// earlyCheck looks at a request header that has not fully arrived. What
// net/http answers (or accepts) without the rest goes to net/http at
// once rather than waiting for a "\r\n\r\n" that may never come: a bare
// LF line end (RFC 9112 2.2 lets a recipient accept one, and net/http
// does) and a request line the fast path would not serve (net/http
// answers an HTTP/0.9 "GET /" with 400 and closes).
type earlyCheck struct {
	scanned  int  // bytes already looked at
	lineDone bool // the request line was checked
}

func (e *earlyCheck) notFast(buf []byte) bool {
	for e.scanned < len(buf) {
		j := bytes.IndexByte(buf[e.scanned:], '\n')
		if j < 0 {
			e.scanned = len(buf)
			break
		}
		k := e.scanned + j
		if k == 0 || buf[k-1] != '\r' {
			return true // a bare LF
		}
		if !e.lineDone {
			e.lineDone = true
			if _, _, _, ok := parseRequestLine(buf[:k-1]); !ok {
				return true
			}
		}
		e.scanned = k + 1
	}
	return false
}

// ctlByte marks the control characters (and DEL) a request header may
// not hold, HTAB aside; CR and LF are allowed only as a pair.
var ctlByte = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t'
	}
	t[0x7f] = true
	return t
}()

// hasCTL reports a control character in a whole request header other than
// its CRLF line ends: a bare CR or LF, a NUL... net/http answers those
// with 400 (or splits lines differently), so it decides.
func hasCTL(buf []byte) bool {
	for i, c := range buf {
		if !ctlByte[c] {
			continue
		}
		switch {
		case c == '\r' && i+1 < len(buf) && buf[i+1] == '\n':
		case c == '\n' && i > 0 && buf[i-1] == '\r':
		default:
			return true
		}
	}
	return false
}

// fastPathOK accepts only plain paths: no percent-encoding, no "..", no
// empty segments, nothing a cleaner would change.
func fastPathOK(p []byte) bool {
	if len(p) == 0 || p[0] != '/' || bytes.Contains(p, []byte("..")) || bytes.Contains(p, []byte("//")) ||
		bytes.Contains(p, []byte("/./")) {
		return false
	}
	for _, c := range p {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '/' || c == '.' || c == '-' || c == '_' || c == '~':
		default:
			return false
		}
	}
	return true
}

// queryByte marks the bytes of an RFC 3986 query (3.4) but for '%':
// pchar, "/" and "?". net/http takes more (a '#', say), which RFC 9112
// 3.2.1 does not allow in a request target.
var queryByte = func() (t [256]bool) {
	for _, c := range []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?") {
		t[c] = true
	}
	return t
}()

// fastQueryOK accepts a query of RFC 3986 characters and well-formed
// percent-encodings.
func fastQueryOK(q []byte) bool {
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case queryByte[c]:
		case c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]):
			i += 2
		default:
			return false
		}
	}
	return true
}

// tokenByte marks the bytes of an RFC 9110 token (a header name).
var tokenByte = func() (t [256]bool) {
	for c := byte(0x21); c < 0x7f; c++ {
		t[c] = bytes.IndexByte([]byte("()<>@,;:\\\"/[]?={}"), c) < 0
	}
	return t
}()

func isToken(b []byte) bool {
	for _, c := range b {
		if !tokenByte[c] {
			return false
		}
	}
	return true
}

// asciiEqualFold reports whether b is s (lower case ASCII) in any case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// asciiContainsFold reports whether b holds s (lower case ASCII), in any
// case, without allocating.
func asciiContainsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if asciiEqualFold(b[i:i+len(s)], s) {
			return true
		}
	}
	return false
}

// fastResponse finds the precomputed response for req, or nil to let
// net/http answer.
func (l *listener) fastResponse(req *fastRequest) *fastResp {
	vh := l.pick(string(req.host))
	if vh == nil || vh.destroyed {
		return nil
	}
	p := string(req.path)
	m := vh.matchMount(p)
	if m == nil || m.OriginProtocol != OriginFile || m.OriginFS == nil || m.BasicAuthLoginFile != "" {
		return nil
	}
	rel := p[len(m.Mountpoint):]
	if rel == "" || rel[len(rel)-1] == '/' {
		rel += m.Def
	}
	name, err := cleanRel(rel)
	if err != nil {
		return nil
	}
	e := m.cached(name)
	if e == nil {
		return nil
	}
	return e.fastResp(vh, m)
}

// fastResp is a whole response but for the Date line.
type fastResp struct {
	ok, notModified []byte // "HTTP/1.1 200 OK\r\n"... up to the Date line
	tail            []byte // "\r\n" ending the headers, then the body
	etag            []byte
}

// fastResp builds (once per vhost and mount) the bytes net/http would send.
func (e *cachedFile) fastResp(vh *Vhost, m *mountState) *fastResp {
	if r := e.fast.Load(); r != nil && r.vh == vh {
		return &r.resp
	}
	h := http.Header{}
	vh.addHeaders(h)
	h["Content-Type"] = e.contentType
	h["Cache-Control"] = m.cacheControlHdr
	h["Etag"] = e.etag
	var common, cached bytes.Buffer
	_ = h.Write(&common)
	// A 304 carries no representation metadata (RFC 9110 15.4.5), and
	// net/http drops its Content-Type.
	delete(h, "Content-Type")
	_ = h.Write(&cached)
	ok := append([]byte("HTTP/1.1 200 OK\r\nContent-Length: "+e.contentLength[0]+"\r\n"), common.Bytes()...)
	nm := append([]byte("HTTP/1.1 304 Not Modified\r\n"), cached.Bytes()...)
	r := &fastEntry{vh: vh, resp: fastResp{ok: ok, notModified: nm, tail: append([]byte("\r\n"), e.body...), etag: []byte(e.etag[0])}}
	e.fast.Store(r)
	return &r.resp
}

type fastEntry struct {
	vh   *Vhost
	resp fastResp
}

// write sends the response in one write: headers, Date, body. Responses
// up to fastCopyMax are assembled in the connection's reusable buffer out;
// bigger ones go out with writev.
func (r *fastResp) write(c *net.TCPConn, req *fastRequest, out []byte) ([]byte, error) {
	head, tail := r.ok, r.tail
	if req.ifNoneMatch != nil && bytes.Equal(req.ifNoneMatch, r.etag) {
		head, tail = r.notModified, r.tail[:2]
	} else if req.head {
		tail = r.tail[:2]
	}
	// An HTTP/1.0 request is answered as net/http answers it: in its
	// version, with "Connection: keep-alive" when the connection stays
	// (an HTTP/1.0 client closes otherwise, RFC 9112 9.3) and no
	// Connection field when it closes.
	var conn []byte
	switch {
	case req.http10 && !req.close:
		conn = connectionKeepAlive
	case !req.http10 && req.close:
		conn = connectionClose
	}
	date := dateLine()
	if len(head)+len(tail) > fastCopyMax {
		bufs := net.Buffers{head, date, conn, tail}
		if req.http10 {
			bufs = net.Buffers{version10, head[len(version10):], date, conn, tail}
		}
		_, err := bufs.WriteTo(c)
		return out, err
	}
	out = append(append(append(append(out[:0], head...), date...), conn...), tail...)
	if req.http10 {
		copy(out, version10)
	}
	_, err := c.Write(out)
	return out, err
}

// fastCopyMax bounds the responses copied into one buffer before writing.
const fastCopyMax = 16 << 10

var (
	connectionClose     = []byte("Connection: close\r\n")
	connectionKeepAlive = []byte("Connection: keep-alive\r\n")
	version10           = []byte("HTTP/1.0")
)

// dateLine is "Date: ...\r\n", formatted at most once a second.
func dateLine() []byte {
	now := time.Now().Unix()
	if d := cachedDate.Load(); d != nil && d.sec == now {
		return d.line
	}
	d := &dateCache{sec: now, line: []byte("Date: " + time.Unix(now, 0).UTC().Format(http.TimeFormat) + "\r\n")}
	cachedDate.Store(d)
	return d.line
}

type dateCache struct {
	sec  int64
	line []byte
}

var cachedDate atomic.Pointer[dateCache]

// firstVhost is the listener's first vhost, whose timeouts the fast path
// uses before it knows the request's Host.
func (l *listener) firstVhost() *Vhost {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if len(l.vhosts) == 0 {
		return nil
	}
	return l.vhosts[0]
}

// httpMethods are the request methods that begin an HTTP/1 request line
// (and "PRI", the HTTP/2 preface).
var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PRI"}

// notHTTP reads the first bytes of a connection until it can tell
// whether they begin an HTTP request: a method and a space within the
// first eight bytes (lws falls back once its HTTP parser fails on them).
func notHTTP(br *bufio.Reader) (bool, error) {
	for want := 1; ; {
		if _, err := br.Peek(want); err != nil {
			return false, err
		}
		b, _ := br.Peek(br.Buffered())
		sp := bytes.IndexByte(b, ' ')
		if sp < 0 && len(b) < 8 && !bytes.ContainsAny(b, "\r\n") &&
			slices.ContainsFunc(httpMethods, func(m string) bool { return strings.HasPrefix(m, string(b)) }) {
			want = len(b) + 1 // a method so far: wait for more
			continue
		}
		return sp < 0 || !slices.Contains(httpMethods, string(b[:sp])), nil
	}
}
