package main

import (
	"context"
	"crypto/tls"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
)

// start runs the example on a free port until the test ends.
func start(t *testing.T, args ...string) *lws.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *lws.Context, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"lws-minimal-ws-server"}, args...), 0, func(c *lws.Context) { ready <- c })
	}()
	select {
	case c := <-ready:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		})
		return c
	case err := <-done:
		cancel()
		t.Fatalf("run: %v", err)
	}
	return nil
}

func dial(t *testing.T, url string, d *websocket.Dialer) *websocket.Conn {
	t.Helper()
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func TestChatBetweenTwoClients(t *testing.T) {
	c := start(t)
	url := "ws://" + c.Vhosts()[0].Addr() + "/"
	d := &websocket.Dialer{Subprotocols: []string{"lws-minimal"}}
	a, b := dial(t, url, d), dial(t, url, d)
	// A message longer than the protocol's 128-byte rx buffer arrives in
	// pieces and must still be broadcast whole.
	long := strings.Repeat("0123456789", 30)
	for _, msg := range []string{"hello from a", long} {
		if err := a.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		for name, ws := range map[string]*websocket.Conn{"a": a, "b": b} {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, got, err := ws.ReadMessage()
			if err != nil || string(got) != msg {
				t.Fatalf("%s got %q, %v; want %q", name, got, err, msg)
			}
		}
	}
}

func TestTLSAndStrictHost(t *testing.T) {
	c := start(t, "-s", "-h")
	port := c.Vhosts()[0].Addr()[strings.LastIndex(c.Vhosts()[0].Addr(), ":"):]
	d := &websocket.Dialer{Subprotocols: []string{"lws-minimal"}, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	// Host: localhost:<port> names the vhost: accepted.
	dial(t, "wss://localhost"+port+"/", d)
	// Host: 127.0.0.1:<port> does not: the strict host check refuses it.
	if _, resp, err := d.Dial("wss://127.0.0.1"+port+"/", nil); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("strict host check let 127.0.0.1 in (err %v)", err)
	}
}

// curl is the peer users meet first: it must see the page, lws's security
// headers, a 404 for a missing file and a refusal for path traversal.
func TestCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	c := start(t)
	base := "http://" + c.Vhosts()[0].Addr()
	get := func(args ...string) string {
		out, err := exec.Command(curl, append([]string{"-sS", "-o", "/dev/null", "-D", "-", "--path-as-is"}, args...)...).Output()
		if err != nil {
			t.Fatalf("curl %v: %v", args, err)
		}
		return string(out)
	}
	head := get(base + "/")
	for _, want := range []string{"HTTP/1.1 200", "content-security-policy: default-src 'none'", "x-frame-options: deny", "content-type: text/html"} {
		if !strings.Contains(strings.ToLower(head), strings.ToLower(want)) {
			t.Errorf("GET / lacks %q:\n%s", want, head)
		}
	}
	if h := get(base + "/nope.html"); !strings.HasPrefix(h, "HTTP/1.1 404") {
		t.Errorf("missing file: %s", h)
	}
	for _, p := range []string{"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"} {
		if h := get(base + p); !strings.HasPrefix(h, "HTTP/1.1 403") {
			t.Errorf("%s: %s", p, h)
		}
	}
}
