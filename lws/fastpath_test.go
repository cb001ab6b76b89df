package lws

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawExchange writes raw request bytes on one connection and reads n
// responses.
func rawExchange(t *testing.T, addr, raw string, n int) []*http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var out []*http.Response
	for i := 0; i < n; i++ {
		// A HEAD response has a length but no body: ReadResponse must know.
		var req *http.Request
		if strings.Count(raw, "HEAD ") > 0 && i == strings.Count(raw[:strings.Index(raw, "HEAD ")], "\r\n\r\n") {
			req = &http.Request{Method: http.MethodHead}
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
	return out
}

func body(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

// The fast path and net/http must give the same answer: a percent-encoded
// letter sends the same request down the net/http path.
func TestFastPathMatchesNetHTTP(t *testing.T) {
	noLeaks(t)
	c := startContext(t, ContextInfo{VhostInfo: fileVhost(OptionHTTPHeadersSecurity)})
	addr := c.Vhosts()[0].Addr()
	for _, pair := range [][2]string{
		{"/index.html", "/index%2Ehtml"},
		{"/example.js", "/example%2Ejs"},
		{"/sub/", "/sub%2F"},
	} {
		fast := rawExchange(t, addr, "GET "+pair[0]+" HTTP/1.1\r\nHost: localhost\r\n\r\n", 1)[0]
		slow := rawExchange(t, addr, "GET "+pair[1]+" HTTP/1.1\r\nHost: localhost\r\n\r\n", 1)[0]
		if fast.StatusCode != slow.StatusCode || body(fast) != body(slow) {
			t.Errorf("%s: fast %d, net/http %d", pair[0], fast.StatusCode, slow.StatusCode)
		}
		for k := range slow.Header {
			if fast.Header.Get(k) != slow.Header.Get(k) && k != "Date" {
				t.Errorf("%s: header %s: fast %q, net/http %q", pair[0], k, fast.Header.Get(k), slow.Header.Get(k))
			}
		}
		if len(fast.Header) != len(slow.Header) {
			t.Errorf("%s: fast has %d headers, net/http %d", pair[0], len(fast.Header), len(slow.Header))
		}
	}
}

func TestFastPathKeepAlivePipeliningAndHandOff(t *testing.T) {
	noLeaks(t)
	info := fileVhost(0)
	info.Protocols = []*Protocol{dynProtocol()}
	info.Mounts = append(info.Mounts, Mount{Mountpoint: "/dyn", Protocol: "http", OriginProtocol: OriginCallback})
	c := startContext(t, ContextInfo{VhostInfo: info})
	// Two pipelined fast requests, then one net/http must answer (a
	// callback mount), all on one connection.
	raw := "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n" +
		"HEAD /example.js HTTP/1.1\r\nHost: localhost\r\n\r\n" +
		"GET /dyn/x HTTP/1.1\r\nHost: localhost\r\n\r\n"
	rs := rawExchange(t, c.Vhosts()[0].Addr(), raw, 3)
	if rs[0].StatusCode != 200 || body(rs[0]) != "<html>index</html>" {
		t.Errorf("first: %d", rs[0].StatusCode)
	}
	if rs[1].StatusCode != 200 || body(rs[1]) != "" || rs[1].Header.Get("Content-Length") != "10" {
		t.Errorf("HEAD: %d, length %q", rs[1].StatusCode, rs[1].Header.Get("Content-Length"))
	}
	if rs[2].StatusCode != 200 || !strings.Contains(body(rs[2]), "piece 3 of /dyn/x") {
		t.Errorf("handed-off request: %d", rs[2].StatusCode)
	}
}

func TestFastPathConditionalAndHTTP10(t *testing.T) {
	noLeaks(t)
	c := startContext(t, ContextInfo{VhostInfo: fileVhost(0)})
	addr := c.Vhosts()[0].Addr()
	first := rawExchange(t, addr, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 1)[0]
	etag := first.Header.Get("Etag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := rawExchange(t, addr, "GET / HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: "+etag+"\r\n\r\n", 1)[0]
	if again.StatusCode != http.StatusNotModified || body(again) != "" {
		t.Fatalf("conditional GET: %d %q", again.StatusCode, body(again))
	}
	// HTTP/1.0 without keep-alive: answered (in HTTP/1.0, as net/http
	// answers), then the server closes.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(conn, "GET /index.html HTTP/1.0\r\n\r\n")
	all, err := io.ReadAll(conn) // ends only if the server closes
	if err != nil || !bytes.HasPrefix(all, []byte("HTTP/1.0 200 OK")) || !bytes.HasSuffix(all, []byte("<html>index</html>")) {
		t.Fatalf("HTTP/1.0: %v %q", err, all)
	}
}

// FuzzPeekRequest: no input makes the parser panic, and whatever it accepts
// is a GET or HEAD for a plain path that RFC 9112 allows and net/http
// reads the same way. FuzzFastPathVsNetHTTP (fuzz_fastpath_test.go) checks
// the whole fast path against net/http.
func FuzzPeekRequest(f *testing.F) {
	f.Add("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	f.Add("HEAD /a/b.js?v=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	f.Add("GET /../x HTTP/1.1\r\nHost: x\r\n\r\n")
	f.Add("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n")
	f.Add("GET / HTTP/1.1\r\n Host: x\r\n\r\n")
	f.Add("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx")
	f.Add("GET / HTTP/1.1\nHost: x\n\n")
	f.Add("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n")
	f.Add("GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n")
	f.Add("GET /\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		br := bufio.NewReaderSize(strings.NewReader(raw), 4096)
		n, req, err := peekRequest(br)
		if err != nil {
			return
		}
		if n <= 0 || n > len(raw) || !strings.HasSuffix(raw[:n], "\r\n\r\n") {
			t.Fatalf("length %d for %q", n, raw)
		}
		if !fastPathOK(req.path) {
			t.Fatalf("accepted path %q", req.path)
		}
		if !strings.HasPrefix(raw, "GET ") && !strings.HasPrefix(raw, "HEAD ") {
			t.Fatalf("accepted method in %q", raw)
		}
		if strings.Contains(strings.ToLower(raw[:n]), "\r\ncontent-length:") || strings.Contains(strings.ToLower(raw[:n]), "\r\ntransfer-encoding:") {
			t.Fatalf("accepted a request with a body: %q", raw)
		}
		if strings.Count(raw[:n], "\n") != strings.Count(raw[:n], "\r\n") || strings.Count(raw[:n], "\r") != strings.Count(raw[:n], "\r\n") {
			t.Fatalf("accepted a bare CR or LF: %q", raw)
		}
		// RFC 9112 holds where net/http is lax (rfc9112Head).
		if err := rfc9112Head([]byte(raw[:n])); err != nil {
			t.Fatalf("accepted %q, which RFC 9112 refuses: %v", raw[:n], err)
		}
		// net/http's parser reads the same request.
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw[:n])))
		if err != nil {
			t.Fatalf("accepted %q, net/http: %v", raw[:n], err)
		}
		if r.URL.Path != string(req.path) || r.Method == http.MethodHead != req.head || (req.host != nil && r.Host != string(req.host)) {
			t.Fatalf("%q: fast path read %s %q host %q, net/http %s %q host %q", raw[:n], map[bool]string{true: "HEAD", false: "GET"}[req.head], req.path, req.host, r.Method, r.URL.Path, r.Host)
		}
	})
}

// A header the fast path began reading and then handed to net/http (here:
// 4 KB of it arrived, more than the fast path buffers) must complete within
// the vhost timeout from its first byte; net/http must not start the clock
// again. Timeout 4 s, hand-off after 3 s: the connection closes at about
// 4 s, not 7.
func TestFastPathHandOffKeepsHeaderDeadline(t *testing.T) {
	noLeaks(t)
	info := fileVhost(0)
	info.TimeoutSecs = 4
	c := startContext(t, ContextInfo{VhostInfo: info})
	conn, err := net.Dial("tcp", c.Vhosts()[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n")
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		padded := false
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			line := "X-Slow: a\r\n"
			if !padded && time.Since(start) > 3*time.Second {
				padded = true // the fast path hands over now
				line = "X-Pad: " + strings.Repeat("a", 4096) + "\r\n"
			}
			if _, err := io.WriteString(conn, line); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	b, err := io.ReadAll(conn)
	took := time.Since(start)
	if isTimeout(err) {
		t.Fatal("a trickled header was kept open for 15 s")
	}
	if len(b) > 0 && !strings.HasPrefix(string(b), "HTTP/1.1 4") {
		t.Fatalf("answered %q", b)
	}
	// Closed at the 4 s deadline; 5.5 s leaves margin for a loaded machine
	// and is still well short of the 7 s a fresh timeout would give.
	if took > 5500*time.Millisecond {
		t.Fatalf("closed after %v: the hand-off restarted the 4 s header timeout", took.Round(time.Millisecond))
	}
}

// A request with bare LF line ends is net/http's to answer (RFC 9112 2.2
// lets a server accept them, and net/http does): answered at once, not
// left to the header timeout. A control character in a header is
// net/http's 400 on either path.
func TestFastPathBareLFAndControlChars(t *testing.T) {
	noLeaks(t)
	info := fileVhost(0)
	info.TimeoutSecs = 60 // rawExchange gives up after 5 s: an answer must be immediate
	c := startContext(t, ContextInfo{VhostInfo: info})
	addr := c.Vhosts()[0].Addr()
	for _, raw := range []string{
		"GET /index.html HTTP/1.1\nHost: localhost\n\n",
		"GET /index.html HTTP/1.1\r\nHost: localhost\n\r\n",
		"GET /index.html HTTP/1.1\r\nHost: localhost\r\nX-A: b\n\r\n",
	} {
		r := rawExchange(t, addr, raw, 1)[0]
		if r.StatusCode != http.StatusOK || body(r) != "<html>index</html>" {
			t.Errorf("%q: %d %q", raw, r.StatusCode, body(r))
		}
	}
	for _, raw := range []string{
		"GET /index.html HTTP/1.1\r\nHost: localhost\r\nX-A: a\x00b\r\n\r\n",
		"GET /index.html HTTP/1.1\r\nHost: localhost\r\nX-A: a\rb\r\n\r\n",
		"GET /index.html HTTP/1.1\r\nHost: local\x7fhost\r\n\r\n",
	} {
		if r := rawExchange(t, addr, raw, 1)[0]; r.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: %d, want 400", raw, r.StatusCode)
		}
	}
}

// An HTTP/0.9-style request line gets net/http's 400 and a close at once,
// not silence until the header timeout.
func TestFastPathHTTP09Answered(t *testing.T) {
	noLeaks(t)
	info := fileVhost(0)
	info.TimeoutSecs = 60
	c := startContext(t, ContextInfo{VhostInfo: info})
	for _, raw := range []string{"GET /\r\n", "GET /index.html\r\n", "POST / HTTP/1.1\r\n"} {
		conn, err := net.Dial("tcp", c.Vhosts()[0].Addr())
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.WriteString(conn, raw)
		if raw == "POST / HTTP/1.1\r\n" {
			// Not HTTP/0.9, only incomplete: net/http waits for the rest,
			// and answers it.
			_, _ = io.WriteString(conn, "Host: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		}
		b, err := io.ReadAll(conn) // ends only if the server closes
		conn.Close()
		if err != nil {
			t.Fatalf("%q: %v (answered %q)", raw, err, b)
		}
		if !strings.HasPrefix(string(b), "HTTP/1.1 4") {
			t.Fatalf("%q: answered %q", raw, b)
		}
	}
}
