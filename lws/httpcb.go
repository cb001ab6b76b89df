package lws

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// httpTxn is one HTTP transaction on a callback mount. The protocol runs on
// the loop and builds the response with the Conn's HTTP helpers; the
// request's net/http handler goroutine executes each write (the "op") and
// tells the loop when it has left, which is what makes the next
// ReasonHTTPWriteable possible.
type httpTxn struct {
	c   *Conn
	ops chan httpOp
	// credits bounds the request body pieces waiting for the loop, as
	// readAhead does on the ws read path: the body reader takes a credit
	// before it posts a piece and the loop gives it back once the piece
	// was delivered. A client sending faster than the protocol takes the
	// body meets a reader that waits, then TCP's window (lws stops reading
	// a connection whose rx the protocol has not consumed).
	credits chan struct{}
	// stop is closed on the loop once the transaction ended (its final
	// write is queued, or the connection closed): the body reader stops
	// and the queued writes go out.
	stop    chan struct{}
	stopped bool // stop is closed (loop)
	// queued counts the body pieces posted to the loop and not yet
	// delivered, for tests: the bound credits keep.
	queued atomic.Int32

	// Loop-owned response state (lws keeps it in the wsi's header buffer).
	status      int
	hdr         http.Header
	headersSent bool
	finished    bool
}

type httpOp struct {
	status int         // nonzero: write headers first
	header http.Header // with status
	body   []byte
	final  bool // the response ends after this op
	abort  bool // close the connection
}

// serveCallback runs a callback mount's transaction (LWSMPRO_CALLBACK): it
// delivers ReasonHTTP with the path below the mountpoint, then the body, then
// executes the protocol's writes until the final one.
func (v *Vhost) serveCallback(w http.ResponseWriter, r *http.Request, m *mountState) {
	proto := v.ProtocolByName(m.Protocol)
	if proto == nil {
		v.refuse(w, r, http.StatusInternalServerError, "callback mount names an unknown protocol "+strconv.Quote(m.Protocol))
		return
	}
	ctx := v.ctx
	c := newConn(v, proto, roleHTTP, r)
	t := &httpTxn{c: c, ops: make(chan httpOp, 4), credits: make(chan struct{}, readAhead), stop: make(chan struct{}),
		status: http.StatusOK, hdr: http.Header{}}
	c.ht = t
	rel := strings.TrimPrefix(r.URL.Path, m.Mountpoint)
	if !ctx.loop.post(func() {
		ctx.conns.add(c)
		c.callWriting(ReasonHTTP, []byte(rel))
	}) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if r.Body != nil && r.ContentLength != 0 && !t.readBody(r) {
		return
	}
	for {
		select {
		case op := <-t.ops:
			if op.abort {
				panic(http.ErrAbortHandler) // net/http drops the connection silently
			}
			err := t.execute(w, op)
			if err != nil || op.final {
				ctx.loop.post(func() {
					t.finished = true
					c.closeNow(closeReasonPeer)
				})
				return
			}
			ctx.loop.post(c.writeDone)
		case <-r.Context().Done():
			ctx.loop.post(func() { c.closeNow(closeReasonPeer) })
			return
		case <-ctx.destroyCh:
			return
		}
	}
}

// readBody delivers the request body as ReasonHTTPBody pieces and then
// ReasonHTTPBodyCompletion, with at most readAhead pieces waiting for the
// loop. It reports false if the client or the context went away; it
// returns true early when the transaction ended before the body did.
func (t *httpTxn) readBody(r *http.Request) bool {
	c, ctx := t.c, t.c.ctx
	size := c.proto.rxBufferSize()
	for {
		buf := make([]byte, size)
		n, err := r.Body.Read(buf)
		if n > 0 {
			select {
			case <-t.stop:
				return true
			default:
			}
			select {
			case t.credits <- struct{}{}:
			case <-t.stop:
				return true
			case <-r.Context().Done():
				ctx.loop.post(func() { c.closeNow(closeReasonPeer) })
				return false
			case <-ctx.destroyCh:
				return false
			}
			chunk := buf[:n]
			t.queued.Add(1)
			if !ctx.loop.post(func() {
				t.queued.Add(-1)
				<-t.credits
				if !c.closed && !t.stopped { // nothing after the final write
					c.callWriting(ReasonHTTPBody, chunk)
				}
			}) {
				return false
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.ctx.log.Info("http body read failed", "path", r.URL.Path, "err", err)
			ctx.loop.post(func() { c.closeNow(closeReasonPeer) })
			return false
		}
	}
	ctx.loop.post(func() {
		if !c.closed && !t.stopped {
			c.callWriting(ReasonHTTPBodyCompletion, nil)
		}
	})
	return true
}

// end tells the body reader that the transaction is over (loop).
func (t *httpTxn) end() {
	if !t.stopped {
		t.stopped = true
		close(t.stop)
	}
}

// execute performs one write op on the handler goroutine.
func (t *httpTxn) execute(w http.ResponseWriter, op httpOp) error {
	if op.status != 0 {
		h := w.Header()
		for k, v := range op.header {
			h[k] = v
		}
		w.WriteHeader(op.status)
	}
	if len(op.body) > 0 {
		if _, err := w.Write(op.body); err != nil {
			return fmt.Errorf("write http body: %w", err)
		}
	}
	if !op.final {
		if err := http.NewResponseController(w).Flush(); err != nil {
			return fmt.Errorf("flush http body: %w", err)
		}
	}
	return nil
}

// send hands an op to the handler goroutine; the conn is busy until it has
// left.
func (t *httpTxn) send(op httpOp) error {
	if t.finished {
		return errors.New("lws: http transaction already completed")
	}
	if !t.headersSent && op.status == 0 {
		op.status, op.header = t.status, t.hdr.Clone()
	}
	if op.status != 0 {
		t.headersSent = true
	}
	if op.final {
		t.finished = true
	}
	select {
	case t.ops <- op:
	default:
		return errors.New("lws: http write queue full")
	}
	if op.final {
		t.end()
	}
	t.c.writeBusy = true
	return nil
}

func (t *httpTxn) write(b []byte, wp WriteProtocol) error {
	switch wp &^ (WriteNoFin | WriteH2StreamEnd) {
	case WriteHTTP:
		return t.send(httpOp{body: append([]byte(nil), b...)})
	case WriteHTTPFinal:
		return t.send(httpOp{body: append([]byte(nil), b...), final: true})
	case WriteHTTPHeaders, WriteHTTPHeadersContinuation:
		return errors.New("lws: use AddHTTPCommonHeaders and FinalizeWriteHTTPHeader to send headers")
	default:
		return fmt.Errorf("lws: write kind %d on an http connection", wp)
	}
}

// abort drops the connection unless the response already completed.
func (t *httpTxn) abort() {
	defer t.end()
	if t.finished {
		return
	}
	t.finished = true
	select {
	case t.ops <- httpOp{abort: true}:
	default:
	}
}

// LengthUnknown says a response has no content-length
// (LWS_ILLEGAL_HTTP_CONTENT_LEN): HTTP/1.1 sends it chunked.
const LengthUnknown = -1

func (c *Conn) httpTxn() (*httpTxn, error) {
	if c.ht == nil {
		return nil, errors.New("lws: not an http connection")
	}
	return c.ht, nil
}

// AddHTTPCommonHeaders sets the status, content type and (unless
// LengthUnknown) content length of the response: lws_add_http_common_headers.
func (c *Conn) AddHTTPCommonHeaders(status int, contentType string, length int64) error {
	t, err := c.httpTxn()
	if err != nil {
		return err
	}
	t.status = status
	if contentType != "" {
		t.hdr.Set("Content-Type", contentType)
	}
	if length >= 0 {
		t.hdr.Set("Content-Length", strconv.FormatInt(length, 10))
	}
	return nil
}

// AddHTTPHeader adds a response header, or on an HTTP client connection
// (in ReasonClientAppendHandshakeHdr) a request header:
// lws_add_http_header_by_name.
func (c *Conn) AddHTTPHeader(name, value string) error {
	if c.role == roleHTTPClient {
		return c.addClientHeader(name, value)
	}
	t, err := c.httpTxn()
	if err != nil {
		return err
	}
	t.hdr.Add(name, value)
	return nil
}

// beginWrite applies the one-write-per-callback rule to the HTTP helpers.
func (c *Conn) beginWrite() (*httpTxn, error) {
	t, err := c.httpTxn()
	switch {
	case err != nil:
		return nil, err
	case c.closed:
		return nil, ErrClosed
	case !c.writeAllowed:
		return nil, ErrNotWriteable
	case c.wrote:
		return nil, ErrSecondWrite
	}
	c.wrote = true
	return t, nil
}

// FinalizeWriteHTTPHeader sends the headers built so far; it is this
// callback's one write: lws_finalize_write_http_header.
func (c *Conn) FinalizeWriteHTTPHeader() error {
	t, err := c.beginWrite()
	if err != nil {
		return err
	}
	return t.send(httpOp{status: t.status, header: t.hdr.Clone()})
}

// ReturnHTTPStatus sends a complete response with a short HTML body and ends
// the transaction: lws_return_http_status.
func (c *Conn) ReturnHTTPStatus(status int, text string) error {
	t, err := c.beginWrite()
	if err != nil {
		return err
	}
	if text == "" {
		text = http.StatusText(status)
	}
	body := []byte("<html><body><h1>" + strconv.Itoa(status) + "</h1>" + html.EscapeString(text) + "</body></html>")
	h := t.hdr.Clone()
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return t.send(httpOp{status: status, header: h, body: body, final: true})
}

// HTTPRedirect sends a redirect to location and ends the transaction:
// lws_http_redirect.
func (c *Conn) HTTPRedirect(status int, location string) error {
	t, err := c.beginWrite()
	if err != nil {
		return err
	}
	h := t.hdr.Clone()
	h.Set("Location", location)
	h.Set("Content-Length", "0")
	return t.send(httpOp{status: status, header: h, final: true})
}

// TransactionCompleted ends the response if it is still open:
// lws_http_transaction_completed. It needs no writeable callback.
func (c *Conn) TransactionCompleted() error {
	t, err := c.httpTxn()
	if err != nil {
		return err
	}
	if t.finished {
		return nil
	}
	return t.send(httpOp{final: true})
}
