package lws

import (
	"context"
	"crypto/tls"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Deprecate: the old context stops accepting but keeps its ws connection
// working; a new context binds the same port (OptionAllowListenShare) and
// takes new connections; the old one stops when its last connection closes.
func TestDeprecateHandsOverThePort(t *testing.T) {
	noLeaks(t)
	for _, tc := range []struct {
		name string
		tls  TLSInfo
	}{{"plain", TLSInfo{}}, {"tls", TLSInfo{CertFile: "lwstest/localhost-100y.cert", KeyFile: "lwstest/localhost-100y.key"}}} {
		t.Run(tc.name, func(t *testing.T) {
			info := func(port int, tag string) ContextInfo {
				return ContextInfo{VhostInfo: VhostInfo{Interface: "127.0.0.1", Port: port, TLS: tc.tls,
					Options: OptionAllowListenShare, Protocols: []*Protocol{chatProtocol()}, Headers: map[string]string{"x-instance": tag}}}
			}
			old, err := NewContext(info(0, "old"))
			if err != nil {
				t.Fatal(err)
			}
			oldDone := make(chan error, 1)
			go func() { oldDone <- old.Run(context.Background()) }()
			defer old.Destroy()
			port := old.Vhosts()[0].Port()
			scheme := "ws"
			d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: []string{"lws-minimal"}}
			if tc.tls.enabled() {
				scheme = "wss"
				d.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
			}
			url := scheme + "://127.0.0.1:" + strconv.Itoa(port) + "/"
			hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true}}
			// instance asks a new connection which context answers it.
			instance := func() string {
				resp, err := hc.Get("http" + strings.TrimPrefix(url, "ws"))
				if err != nil {
					t.Fatalf("GET: %v", err)
				}
				resp.Body.Close()
				return resp.Header.Get("x-instance")
			}
			ws1, _, err := d.Dial(url, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws1.Close()
			if tag := instance(); tag != "old" {
				t.Fatalf("first connection on %q", tag)
			}
			fresh := startContext(t, info(port, "new")) // binds beside the old one
			called := make(chan struct{})
			old.Deprecate(func() { close(called) })
			time.Sleep(100 * time.Millisecond) // the Deprecate event has run
			ws2, _, err := d.Dial(url, nil)
			if err != nil {
				t.Fatalf("ws after Deprecate: %v", err)
			}
			defer ws2.Close()
			if tag := instance(); tag != "new" {
				t.Fatalf("connection after Deprecate reached %q", tag)
			}
			// The old connection still works: the old chat echoes to it.
			if err := ws1.WriteMessage(websocket.TextMessage, []byte("still here")); err != nil {
				t.Fatal(err)
			}
			if got := readText(t, ws1); got != "still here" {
				t.Fatalf("old instance: %q", got)
			}
			select {
			case <-oldDone:
				t.Fatal("old context stopped with a connection open")
			default:
			}
			ws1.Close()
			if err := wait(t, oldDone, "old context to stop"); err != nil {
				t.Fatal(err)
			}
			wait(t, called, "the Deprecate callback")
			// The new one goes on serving.
			if tag := instance(); tag != "new" {
				t.Fatalf("after the old one stopped: %q", tag)
			}
			_ = fresh
		})
	}
}
