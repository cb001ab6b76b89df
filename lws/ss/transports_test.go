package ss

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tlsPolicy is a policy whose one trust store holds ca, with one
// streamtype of the given protocol and extra keys.
func tlsPolicy(t *testing.T, ca *testCA, port int, protocol, extra string) *Policy {
	t.Helper()
	p, err := ParsePolicy([]byte(`{"certs": [{"ca": "` + base64.StdEncoding.EncodeToString(ca.der) + `"}],
		"trust_stores": [{"name": "ts", "stack": ["ca"]}],
		"s": [{"st": {"endpoint": "localhost", "port": ` + strconv.Itoa(port) + `, "protocol": "` + protocol + `",
			"tls": true, "tls_trust_store": "ts", "opportunistic": true` + extra + `}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// h2: the stream speaks HTTP/2 by ALPN over TLS verified against its store.
func TestH2(t *testing.T) {
	ca := newCA(t, "h2 ca")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.serverCert(t)}}
	srv.StartTLS()
	defer srv.Close()
	for proto, want := range map[string]string{"h2": "HTTP/2.0", "h1": "HTTP/1.1"} {
		c, s := streams(t, tlsPolicy(t, ca, portOf(t, srv.Listener.Addr().String()), proto, `, "http_url": "x"`))
		r := newRecorder()
		create(t, c, s, "st", r, func(h *Handle) { h.RequestTx() })
		r.waitState(t, StateQOSAckRemote)
		if got := string(r.body()); got != want {
			t.Fatalf("%s: server saw %q", proto, got)
		}
	}
}

// wss through the trust store.
func TestWSS(t *testing.T) {
	ca := newCA(t, "wss ca")
	up := websocket.Upgrader{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		ws.WriteMessage(websocket.BinaryMessage, []byte("over wss"))
		ws.ReadMessage()
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.serverCert(t)}}
	srv.StartTLS()
	defer srv.Close()
	c, s := streams(t, tlsPolicy(t, ca, portOf(t, srv.Listener.Addr().String()), "ws", `, "ws_binary": true`))
	r := newRecorder()
	create(t, c, s, "st", r, func(h *Handle) { _ = h.ClientConnect() })
	r.waitState(t, StateConnected)
	deadline := time.Now().Add(5 * time.Second)
	for string(r.body()) != "over wss" {
		if time.Now().After(deadline) {
			t.Fatalf("rx %q", r.body())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// http_resp_map turns a status into a user state (>= 1000).
func TestRespMap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(530) }))
	defer srv.Close()
	p, err := ParsePolicy([]byte(`{"s": [{"st": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(portOf(t, srv.Listener.Addr().String())) + `,
		"protocol": "h1", "http_resp_map": [{"530": 1530}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	r := newRecorder()
	create(t, c, s, "st", r, func(h *Handle) { h.RequestTx() })
	r.waitState(t, StateDisconnected)
	if !slices.Contains(r.seen(), State(1530)) || State(1530).String() != "USER_530" {
		t.Fatalf("states %v", r.seen())
	}
}

// long_poll is parsed into FlagLongPoll, which takes the response-header
// timeout off the stream's transport (waiting out the 30 s timeout itself
// is too slow for a unit test).
func TestLongPollFlagParsed(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"s": [{"lp": {"endpoint": "x", "port": 1, "protocol": "h2", "long_poll": true}}]}`))
	if err != nil || p.Streamtype("lp").Flags&FlagLongPoll == 0 {
		t.Fatalf("%v", err)
	}
}
