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
	// HTTP/1.0 without keep-alive: answered, then the server closes.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(conn, "GET /index.html HTTP/1.0\r\n\r\n")
	all, err := io.ReadAll(conn) // ends only if the server closes
	if err != nil || !bytes.HasPrefix(all, []byte("HTTP/1.1 200 OK")) || !bytes.HasSuffix(all, []byte("<html>index</html>")) {
		t.Fatalf("HTTP/1.0: %v %q", err, all)
	}
}

// FuzzPeekRequest: no input makes the parser panic, and whatever it accepts
// is a GET or HEAD for a plain path.
func FuzzPeekRequest(f *testing.F) {
	f.Add("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	f.Add("HEAD /a/b.js?v=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	f.Add("GET /../x HTTP/1.1\r\nHost: x\r\n\r\n")
	f.Add("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n")
	f.Add("GET / HTTP/1.1\r\n Host: x\r\n\r\n")
	f.Add("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx")
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
	})
}
