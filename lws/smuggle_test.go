package lws

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// countResponses writes raw on conn and reads responses until the server
// closes; it fails the test if the server keeps the connection open.
func countResponses(t *testing.T, conn net.Conn, raw string) []int {
	t.Helper()
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var statuses []int
	for {
		resp, err := http.ReadResponse(br, nil)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return statuses
		}
		if err != nil {
			t.Fatalf("after %d responses %v: %v (the connection was not closed)", len(statuses), statuses, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
}

// A request with both Content-Length and Transfer-Encoding: chunked, and a
// second request after its last chunk, is answered once and the connection
// closes (RFC 9112 6.1): the tail is never served as a request. Checked on
// a connection's first request (which the fast path hands over), after a
// keep-alive request net/http served, and over TLS.
func TestSmuggledRequestNotServed(t *testing.T) {
	noLeaks(t)
	const smuggle = "POST /dyn/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 48\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"0\r\n\r\n" +
		"GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"
	const plain = "GET /dyn/y HTTP/1.1\r\nHost: localhost\r\n\r\n"
	for _, useTLS := range []bool{false, true} {
		info := fileVhost(0)
		info.Protocols = []*Protocol{dynProtocol()}
		info.Mounts = append(info.Mounts, Mount{Mountpoint: "/dyn", Protocol: "http", OriginProtocol: OriginCallback})
		if useTLS {
			cert, key := selfSigned(t)
			info.TLS = TLSInfo{CertMem: cert, KeyMem: key}
		}
		c := startContext(t, ContextInfo{VhostInfo: info})
		dial := func() net.Conn {
			var conn net.Conn
			var err error
			if useTLS {
				conn, err = tls.Dial("tcp", c.Vhosts()[0].Addr(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
			} else {
				conn, err = net.Dial("tcp", c.Vhosts()[0].Addr())
			}
			if err != nil {
				t.Fatal(err)
			}
			return conn
		}
		if got := countResponses(t, dial(), smuggle); len(got) != 1 || got[0] != http.StatusOK {
			t.Errorf("tls %v, first request: responses %v, want one 200", useTLS, got)
		}
		if got := countResponses(t, dial(), plain+smuggle); len(got) != 2 {
			t.Errorf("tls %v, after a keep-alive request: responses %v, want two", useTLS, got)
		}
	}
}
