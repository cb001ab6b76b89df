package lws

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// httpEvents records an HTTP client transaction as the protocol sees it.
type httpEvents struct {
	status    chan int
	body      strings.Builder
	completed chan string
	closed    chan struct{}
	errs      chan string
	proto     chan string
}

func newHTTPEvents() *httpEvents {
	return &httpEvents{make(chan int, 1), strings.Builder{}, make(chan string, 1), make(chan struct{}, 1), make(chan string, 1), make(chan string, 1)}
}

func (e *httpEvents) protocol() *Protocol {
	return &Protocol{Name: "http-client", RxBufferSize: 100, Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonClientAppendHandshakeHdr:
			return c.AddHTTPHeader("dnt", "1")
		case ReasonEstablishedClientHTTP:
			e.status <- c.HTTPStatus()
			e.proto <- c.ResponseHeader("X-Proto")
		case ReasonReceiveClientHTTPRead:
			e.body.Write(in)
		case ReasonCompletedClientHTTP:
			e.completed <- e.body.String()
		case ReasonClosedClientHTTP:
			e.closed <- struct{}{}
		case ReasonClientConnectionError:
			e.errs <- string(in)
		}
		return nil
	}}
}

func TestHTTPClientGET(t *testing.T) {
	noLeaks(t)
	body := strings.Repeat("0123456789", 100) // several 100-byte pieces
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Dnt") != "1" {
			http.Error(w, "no dnt header", http.StatusBadRequest)
			return
		}
		w.Header().Set("X-Proto", r.Proto)
		_, _ = w.Write([]byte(body))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	for _, tc := range []struct{ alpn, want string }{{"", "HTTP/2.0"}, {"http/1.1", "HTTP/1.1"}} {
		ev := newHTTPEvents()
		client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol()}}})
		connectFrom(t, client, ClientConnectInfo{Address: host, Port: p, Path: "/x", Method: "GET", LocalProtocolName: "http-client",
			SSLConnection: UseSSL | AllowInsecure | SkipServerCertHostnameCheck, ALPN: tc.alpn})
		if st := wait(t, ev.status, "ESTABLISHED_CLIENT_HTTP"); st != 200 {
			t.Fatalf("status %d", st)
		}
		if got := wait(t, ev.proto, "proto"); got != tc.want {
			t.Fatalf("ALPN %q: server saw %s, want %s", tc.alpn, got, tc.want)
		}
		if got := wait(t, ev.completed, "COMPLETED_CLIENT_HTTP"); got != body {
			t.Fatalf("body %d bytes", len(got))
		}
		wait(t, ev.closed, "CLOSED_CLIENT_HTTP")
	}
}

func TestHTTPClientConnectionError(t *testing.T) {
	noLeaks(t)
	ev := newHTTPEvents()
	client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{ev.protocol()}}})
	connectFrom(t, client, ClientConnectInfo{Address: "127.0.0.1", Port: 1, Method: "GET", LocalProtocolName: "http-client"})
	if msg := wait(t, ev.errs, "CLIENT_CONNECTION_ERROR"); !strings.Contains(msg, "refused") {
		t.Fatalf("error %q", msg)
	}
	select {
	case <-ev.closed:
		t.Fatal("CLOSED_CLIENT_HTTP after a connection error")
	case <-time.After(200 * time.Millisecond):
	}
}

// A server that sends headers and then stalls: the transaction ends after
// the vhost timeout instead of hanging.
func TestHTTPClientStalledBody(t *testing.T) {
	noLeaks(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	ev := newHTTPEvents()
	client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, TimeoutSecs: 1, Protocols: []*Protocol{ev.protocol()}}})
	connectFrom(t, client, ClientConnectInfo{Address: host, Port: p, Method: "GET", LocalProtocolName: "http-client"})
	wait(t, ev.status, "ESTABLISHED_CLIENT_HTTP")
	wait(t, ev.closed, "CLOSED_CLIENT_HTTP after the stall")
}
