package main

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T, args ...string) (*lws.Context, *lwstest.LogBuffer) {
	t.Helper()
	logBuf := new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-http-server-form-post", "--port", "0"}, args...)), logBuf, ready)
	})
	return c, logBuf
}

// The page's form, filled in and POSTed by a real browser: the fields are
// logged at body completion and the 303 sends it to after-form1.html.
func TestChromiumPostsForm(t *testing.T) {
	c, logBuf := start(t, "--303")
	tab := lwstest.NewBrowser(t).NewTab("http://" + c.Vhosts()[0].Addr() + "/")
	tab.Type("#text1", "posted by chromium")
	tab.Click("#send")
	tab.WaitFor("after-form1 page", func() string { return tab.Text("#thanks") }, "Thanks for submitting", 10*time.Second)
	logBuf.Wait(t, "text1: (len 18) 'posted by chromium'", 5*time.Second)
	logBuf.Wait(t, "send: (len 6) 'Submit'", 5*time.Second)
	logBuf.Wait(t, "using 303 redirect", time.Second)
}

func TestCurlPost(t *testing.T) {
	c, logBuf := start(t)
	base := "http://" + c.Vhosts()[0].Addr()
	r := lwstest.Curl(t, "-d", "text1=xx%20x&send=Submit", base+"/form1")
	if r.Status != 301 || r.Header.Get("Location") != "after-form1.html" {
		t.Fatalf("status %d, location %q", r.Status, r.Header.Get("Location"))
	}
	logBuf.Wait(t, "text1: (len 4) 'xx x'", 5*time.Second)
	// Only POST reaches the form.
	if r := lwstest.Curl(t, base+"/form1"); r.Status != 405 {
		t.Fatalf("GET /form1: %d", r.Status)
	}
	// An empty body completes too, with both fields undefined.
	if r := lwstest.Curl(t, "-X", "POST", "-H", "Content-Length: 0", base+"/form1"); r.Status != 301 {
		t.Fatalf("empty POST: %d", r.Status)
	}
	logBuf.Wait(t, "text1: undefined", 5*time.Second)
	// So does a POST with no body and no Content-Length at all.
	if r := lwstest.Curl(t, "--max-time", "5", "-X", "POST", base+"/form1"); r.Status != 301 {
		t.Fatalf("POST without a body: %d", r.Status)
	}
}

// -s serves https (HTTP/2 by ALPN); --303 answers 303.
func TestTLSAnd303(t *testing.T) {
	c, logBuf := start(t, "-s", "--303")
	base := "https://localhost:" + strings.Split(c.Vhosts()[0].Addr(), ":")[1]
	r := lwstest.Curl(t, "-k", "-d", "text1=over+tls&send=Submit", base+"/form1")
	if r.Status != 303 || r.Version != "2" {
		t.Fatalf("status %d over HTTP/%s", r.Status, r.Version)
	}
	logBuf.Wait(t, "text1: (len 8) 'over tls'", 5*time.Second)
	// A body sent in many small pieces (chunked over HTTP/1.1) parses the same.
	r = lwstest.Curl(t, "-k", "--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "text1=chunked&send=Submit", base+"/form1")
	if r.Status != 303 {
		t.Fatalf("chunked: %d", r.Status)
	}
	logBuf.Wait(t, "text1: (len 7) 'chunked'", 5*time.Second)
	// An HTTP/2 POST whose HEADERS end the stream has no body at all.
	if r := lwstest.Curl(t, "-k", "--max-time", "5", "-X", "POST", base+"/form1"); r.Status != 303 || r.Version != "2" {
		t.Fatalf("h2 POST without a body: %d over HTTP/%s", r.Status, r.Version)
	}
}

// Bad input: each is refused with a status and the parser's reason, and
// nothing is logged as accepted.
func TestBadInput(t *testing.T) {
	c, logBuf := start(t)
	base := "http://" + c.Vhosts()[0].Addr()
	cases := []struct {
		name, body string
		status     int
		why        string
	}{
		{"field over its limit", "text1=" + strings.Repeat("x", 1025) + "&send=Submit", 413, `field "text1" is longer than 1024 bytes`},
		{"fields over the storage", "text1=" + strings.Repeat("x", 1000) + "&send=" + strings.Repeat("y", 100), 413, `values exceed the 1024 bytes of storage`},
		{"bad escape", "text1=%zz", 400, "invalid escape"},
		{"body over the limit", "junk=" + strings.Repeat("z", 70<<10), 413, "body exceeds the size limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := lwstest.Curl(t, "--data-binary", tc.body, base+"/form1")
			if r.Status != tc.status || !strings.Contains(html.UnescapeString(r.Body), tc.why) {
				t.Fatalf("%d %q, want %d %q", r.Status, r.Body, tc.status, tc.why)
			}
			logBuf.Wait(t, tc.why, 5*time.Second)
		})
	}
	if strings.Contains(logBuf.String(), "BODY_COMPLETION") {
		t.Fatal("a refused body was completed")
	}
	// At the limit is fine.
	if r := lwstest.Curl(t, "-d", "text1="+strings.Repeat("x", 1024), base+"/form1"); r.Status != 301 {
		t.Fatalf("field at the limit: %d", r.Status)
	}
}

// A huge body is refused while it is still arriving: the client gets 413
// long before it could have sent it all.
func TestHugeBodyRefusedEarly(t *testing.T) {
	c, _ := start(t)
	conn, err := net.Dial("tcp", c.Vhosts()[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const size = 256 << 20
	fmt.Fprintf(conn, "POST /form1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\ntext1=", size)
	var sent atomic.Int64
	go func() {
		piece := []byte(strings.Repeat("x", 64<<10))
		for sent.Load() < size {
			n, err := conn.Write(piece)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if s := sent.Load(); s >= size {
		t.Fatalf("the whole body (%d bytes) was taken before the refusal", s)
	}
	t.Logf("refused after the client had written %d of %d bytes", sent.Load(), size)
}
