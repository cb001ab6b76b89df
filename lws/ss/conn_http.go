package ss

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
)

// txChunk is how much a Tx callback may fill at once.
const txChunk = 4096

// httpConn is one h1 or h2 transaction of a stream, run by net/http with
// the trust store instance's transport. The request runs on a goroutine;
// every user callback runs on the loop.
type httpConn struct {
	h      *Handle
	cancel context.CancelFunc
	body   *io.PipeWriter // request body, nil for a bodiless method
	ord    uint32
	// writing: a Tx piece is on its way into the pipe (loop-owned).
	writing bool
	ended   bool // the body's EOM was written
	done    chan struct{}
}

func hasBody(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return false
}

func (h *Handle) startHTTP(t target, in *trustInstance) transport {
	p := h.policy
	c := &httpConn{h: h, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	scheme := "http"
	if t.tls {
		scheme = "https"
	}
	method := p.HTTPMethod
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	var pr *io.PipeReader
	if hasBody(method) {
		pr, c.body = io.Pipe()
		body = pr
	}
	req, err := http.NewRequestWithContext(ctx, method, scheme+"://"+t.addr()+"/"+strings.TrimPrefix(t.path, "/"), body)
	if err != nil {
		cancel()
		h.failed(err)
		return nil
	}
	if body != nil {
		req.ContentLength = -1
		if h.txLen >= 0 && p.Flags&FlagHTTPNoContentLength == 0 {
			req.ContentLength = int64(h.txLen)
		}
		if p.Flags&FlagHTTPFormURLEncoded != 0 {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	// Metadata with a header mapping ("name:") goes out as that header.
	for _, m := range p.Metadata {
		if v, ok := h.metadata[m.Name]; ok && strings.HasSuffix(m.Mapping, ":") {
			req.Header.Set(strings.TrimSuffix(m.Mapping, ":"), string(v))
		}
	}
	client := &http.Client{Transport: in.transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		if p.AllowRedirects {
			return nil
		}
		return http.ErrUseLastResponse // h1 does not follow redirects at lws's revision
	}}
	if p.Protocol == ProtocolH1 {
		client.Transport = in.transportH1 // HTTP/1.1 even where h2 is on offer
	}
	if p.Flags&FlagLongPoll != 0 {
		// long_poll: the reply may come whenever the server has
		// something to say, so no response-header timeout applies.
		tr := client.Transport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = 0
		client.Transport = tr
		defer tr.CloseIdleConnections()
	}
	s := h.s
	s.goroutine(func() { c.run(client, req, pr) })
	return c
}

// run does the transaction off the loop.
func (c *httpConn) run(client *http.Client, req *http.Request, pr *io.PipeReader) {
	defer close(c.done)
	defer c.cancel()
	if pr != nil {
		defer pr.CloseWithError(errors.New("ss: transaction ended"))
	}
	h, s := c.h, c.h.s
	if c.body != nil {
		// The body is pulled from Tx once the transaction is under way.
		s.do(func() {
			if h.conn == c && h.txPending {
				c.requestTx()
			}
		})
	}
	resp, err := client.Do(req)
	if err != nil {
		h.dialFailed(c, err)
		return
	}
	defer resp.Body.Close()
	status := resp.StatusCode
	p := h.policy
	good := status >= 200 && status < 300
	if p.HTTPExpect != 0 {
		good = status == p.HTTPExpect
	}
	if p.HTTPFailRedirect && status >= 300 && status < 400 {
		good = false
	}
	up := make(chan bool, 1)
	if !s.do(func() {
		ok := h.connected(c)
		if ok {
			if st, mapped := p.HTTPRespMap[status]; mapped {
				ok = !h.event(State(st)) && h.conn == c
			}
		}
		up <- ok
	}) {
		return
	}
	select {
	case ok := <-up:
		if !ok {
			return
		}
	case <-req.Context().Done():
		return
	}
	first := true
	for {
		buf := make([]byte, txChunk)
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			flags := Flags(0)
			if first {
				flags, first = FlagSOM, false
			}
			piece := buf[:n]
			h.deliverRx(c, piece, flags)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			s.do(func() {
				if h.conn == c {
					h.closed(c, false)
				}
			})
			return
		}
	}
	s.do(func() {
		if h.conn != c {
			return
		}
		// An h1 response ends with a zero-length rx carrying EOM.
		flags := FlagEOM
		if first {
			flags |= FlagSOM
		}
		if h.result(h.info.User.Rx(h, nil, flags)) {
			return
		}
		qos := StateQOSAckRemote
		if !good {
			qos = StateQOSNackRemote
		}
		if h.event(qos) {
			return
		}
		h.closed(c, good)
	})
}

// requestTx pulls the next body piece from the user (on the loop) and hands
// it to the pipe the transport reads (off the loop); the next pull comes
// when it has been taken.
func (c *httpConn) requestTx() {
	h := c.h
	if c.body == nil || c.writing || c.ended || h.conn != c {
		return
	}
	buf := make([]byte, txChunk)
	// writing guards against a RequestTx from inside Tx re-entering here;
	// such a request just leaves txPending set for the next pull.
	c.writing = true
	n, flags, ok := h.pullTx(c.ord, buf)
	c.ord++
	if !ok {
		c.writing = false
		return
	}
	piece, end := buf[:n], flags&FlagEOM != 0
	if end {
		c.ended = true
	}
	w := c.body
	h.s.goroutine(func() {
		_, err := w.Write(piece)
		if end || err != nil {
			w.Close()
		}
		h.s.do(func() {
			c.writing = false
			if !end && err == nil && h.conn == c && h.txPending {
				c.requestTx()
			}
		})
	})
}

func (c *httpConn) close() {
	c.cancel()
	if c.body != nil {
		c.body.CloseWithError(errors.New("ss: stream closed"))
	}
}
