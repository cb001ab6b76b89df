package lws

import (
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

// postProtocol writes a multipart body in three CLIENT_HTTP_WRITEABLE
// callbacks, as minimal-http-client-post does.
func postProtocol(ev *httpEvents, redirected chan string) *Protocol {
	base := ev.protocol().Callback
	return &Protocol{Name: "http-client", NewSession: func() any { return new(int) }, Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		part, _ := pss.(*int)
		switch reason {
		case ReasonClientAppendHandshakeHdr:
			if !c.IsRedirectedToGet() {
				c.ClientHTTPBodyPending(true)
				c.CallbackOnWritable()
			}
			return nil
		case ReasonClientHTTPRedirect:
			if redirected != nil {
				redirected <- string(in)
			}
			return nil
		case ReasonClientHTTPWriteable:
			var b []byte
			var err error
			wp := WriteHTTP
			switch *part {
			case 0:
				b, err = c.ClientHTTPMultipart(b, "text", "", "")
				b = append(b, "my text field"...)
			case 1:
				b, err = c.ClientHTTPMultipart(b, "file", "myfile.txt", "text/plain")
				b = append(b, strings.Repeat("x", 5000)...)
			case 2:
				b, err = c.ClientHTTPMultipart(b, "", "", "")
				c.ClientHTTPBodyPending(false)
				wp = WriteHTTPFinal
			default:
				return nil
			}
			*part++
			if err != nil {
				return err
			}
			if _, err := c.Write(b, wp); err != nil {
				return err
			}
			if wp != WriteHTTPFinal {
				c.CallbackOnWritable()
			}
			return nil
		}
		return base(c, reason, pss, in)
	}}
}

// formEcho answers a multipart POST with what it parsed.
func formEcho(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		fmt.Fprintf(w, "method %s", r.Method)
		return
	}
	if _, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); params["boundary"] == "" {
		http.Error(w, "no boundary", http.StatusBadRequest)
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n, _ := io.Copy(io.Discard, f)
	fmt.Fprintf(w, "%s text=%q file=%s:%d", r.Proto, r.FormValue("text"), fh.Filename, n)
}

func TestHTTPClientMultipartPOST(t *testing.T) {
	noLeaks(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(formEcho))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	host, port := hostPort(t, srv.Listener.Addr().String())
	for _, alpn := range []string{"", "http/1.1"} {
		ev := newHTTPEvents()
		client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{postProtocol(ev, nil)}}})
		connectFrom(t, client, ClientConnectInfo{Address: host, Port: port, Method: "POST", LocalProtocolName: "http-client", ALPN: alpn,
			SSLConnection: UseSSL | AllowInsecure | SkipServerCertHostnameCheck | HTTPMultipartMIME})
		if st := wait(t, ev.status, "ESTABLISHED_CLIENT_HTTP"); st != 200 {
			t.Fatalf("status %d: %s", st, wait(t, ev.completed, "body"))
		}
		got := wait(t, ev.completed, "COMPLETED_CLIENT_HTTP")
		want := `text="my text field" file=myfile.txt:5000`
		if !strings.HasSuffix(got, want) {
			t.Fatalf("alpn %q: server parsed %q, want %q", alpn, got, want)
		}
		wait(t, ev.closed, "CLOSED_CLIENT_HTTP")
	}
}

// A 303 after a POST is followed as a GET; the protocol hears the new URL
// and sees IsRedirectedToGet.
func TestHTTPClientRedirect(t *testing.T) {
	noLeaks(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/form", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		http.Redirect(w, r, "/after", http.StatusSeeOther)
	})
	mux.HandleFunc("/after", formEcho)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	host, port := hostPort(t, srv.Listener.Addr().String())

	ev := newHTTPEvents()
	redirected := make(chan string, 1)
	client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{postProtocol(ev, redirected)}}})
	connectFrom(t, client, ClientConnectInfo{Address: host, Port: port, Path: "/form", Method: "POST", LocalProtocolName: "http-client", SSLConnection: HTTPMultipartMIME})
	if u := wait(t, redirected, "CLIENT_HTTP_REDIRECT"); !strings.HasSuffix(u, "/after") {
		t.Fatalf("redirect to %q", u)
	}
	if got := wait(t, ev.completed, "COMPLETED_CLIENT_HTTP"); got != "method GET" {
		t.Fatalf("after the redirect: %q", got)
	}

	// With HTTPNoFollowRedirect the 303 itself is the result.
	ev = newHTTPEvents()
	client = startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{postProtocol(ev, redirected)}}})
	connectFrom(t, client, ClientConnectInfo{Address: host, Port: port, Path: "/form", Method: "POST", LocalProtocolName: "http-client",
		SSLConnection: HTTPMultipartMIME | HTTPNoFollowRedirect})
	if st := wait(t, ev.status, "ESTABLISHED_CLIENT_HTTP"); st != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", st)
	}
}

// countingServer counts the TLS connections its clients open.
func countingServer(t *testing.T, h2 bool) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.Proto, r.URL.Path)
	}))
	srv.EnableHTTP2 = h2
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// runMulti starts n GETs at once, as minimal-http-client-multi does, and
// returns how many completed and how many failed to connect.
func runMulti(t *testing.T, srv *httptest.Server, n int, limit int, flags ClientSSL, alpn string) (completed, failed int) {
	t.Helper()
	var mu sync.Mutex
	done := make(chan struct{})
	finish := func(ok bool) {
		mu.Lock()
		defer mu.Unlock()
		if ok {
			completed++
		} else {
			failed++
		}
		if completed+failed == n {
			close(done)
		}
	}
	proto := &Protocol{Name: "http", Callback: func(c *Conn, reason Reason, _ any, in []byte) error {
		switch reason {
		case ReasonCompletedClientHTTP:
			finish(c.HTTPStatus() == 200)
		case ReasonClientConnectionError:
			finish(false)
		}
		return nil
	}}
	client := startContext(t, ContextInfo{SimultaneousSSLRestriction: limit, VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{proto}}})
	host, port := hostPort(t, srv.Listener.Addr().String())
	ok := client.Do(func() {
		for i := range n {
			if _, err := client.ClientConnect(ClientConnectInfo{Address: host, Port: port, Path: fmt.Sprintf("/%d.png", i+1), Method: "GET",
				LocalProtocolName: "http", ALPN: alpn, SSLConnection: UseSSL | AllowInsecure | SkipServerCertHostnameCheck | flags}); err != nil {
				t.Error(err)
			}
		}
	})
	if !ok {
		t.Fatal("context gone")
	}
	wait(t, done, "all transactions")
	return completed, failed
}

// LCCSCF_PIPELINE: eight transactions share one TLS connection (queued for
// HTTP/1.1, streams for h2); with a one-connection limit they all pass with
// pipelining and fail without it, as lws's own multi test asserts.
func TestHTTPClientPipelineAndSSLRestriction(t *testing.T) {
	noLeaks(t)
	for _, tc := range []struct {
		name string
		h2   bool
		alpn string
	}{{"h1", false, "http/1.1"}, {"h2", true, ""}} {
		t.Run(tc.name, func(t *testing.T) {
			srv, conns := countingServer(t, tc.h2)
			if ok, bad := runMulti(t, srv, 8, 1, Pipeline, tc.alpn); ok != 8 || bad != 0 {
				t.Fatalf("pipelined with limit 1: %d ok, %d failed", ok, bad)
			}
			if n := conns.Load(); n != 1 {
				t.Fatalf("pipelined transactions used %d connections, want 1", n)
			}
			if ok, bad := runMulti(t, srv, 8, 1, 0, tc.alpn); bad == 0 {
				t.Fatalf("unpipelined with limit 1: %d ok, %d failed; want failures", ok, bad)
			}
			conns.Store(0)
			if ok, bad := runMulti(t, srv, 8, 0, 0, tc.alpn); ok != 8 || bad != 0 || conns.Load() != 8 {
				t.Fatalf("unpipelined, no limit: %d ok, %d failed, %d connections", ok, bad, conns.Load())
			}
		})
	}
}
