//go:build unix

package lws

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// bulkSender writes 256 KB messages for as long as the peer takes them.
func bulkSender(name string, conns chan<- *Conn) *Protocol {
	msg := bytes.Repeat([]byte{'x'}, 256<<10)
	return &Protocol{Name: name, Callback: func(c *Conn, reason Reason, _ any, in []byte) error {
		switch reason {
		case ReasonEstablished, ReasonClientEstablished:
			conns <- c
			c.CallbackOnWritable()
		case ReasonServerWriteable, ReasonClientWriteable:
			if _, err := c.Write(msg, WriteBinary); err != nil {
				return err
			}
			c.CallbackOnWritable()
		}
		return nil
	}}
}

// waitBacklog waits until c has output the peer has not taken.
func waitBacklog(t *testing.T, ctx *Context, c *Conn) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if n := pendingOut(t, ctx, c); n > 0 {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow peer never built a backlog")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A peer that never reads costs its own backlog, never the loop: while a
// slow reader's output waits, another connection's echo still works.
func TestSlowReaderDoesNotBlockTheLoop(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			conns := make(chan *Conn, 1)
			srv := startWSServer(t, side.tls, VhostInfo{Protocols: []*Protocol{bulkSender("bulk", conns), echoProto()}})
			addr := srv.Vhosts()[0].Addr()
			rawUpgradeOn(t, addr, "bulk", side.tls, "") // never reads
			slow := wait(t, conns, "slow reader ESTABLISHED")
			backlog := waitBacklog(t, srv, slow)
			d := websocket.Dialer{Subprotocols: []string{"echo"}, HandshakeTimeout: 5 * time.Second, TLSClientConfig: insecureTLS()}
			scheme := "ws://"
			if side.tls {
				scheme = "wss://"
			}
			ws, _, err := d.Dial(scheme+addr+"/", nil)
			if err != nil {
				t.Fatalf("dial while a slow reader has %d bytes waiting: %v", backlog, err)
			}
			defer ws.Close()
			for i := 0; i < 10; i++ {
				if err := ws.WriteMessage(websocket.TextMessage, []byte("ping")); err != nil {
					t.Fatal(err)
				}
				_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, b, err := ws.ReadMessage(); err != nil || string(b) != "ping" {
					t.Fatalf("echo %d while a slow reader's output waits: %q, %v", i, b, err)
				}
			}
		})
	}
}

// The same for a client: a server that never reads does not stop the
// client context's loop.
func TestClientSlowServerDoesNotBlockTheLoop(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			var srv *httptest.Server
			stuck := make(chan struct{})
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ws, err := (&websocket.Upgrader{Subprotocols: []string{"bulk"}}).Upgrade(w, r, nil)
				if err != nil {
					return
				}
				<-stuck // never reads
				ws.Close()
			})
			if side.tls {
				srv = httptest.NewTLSServer(h)
			} else {
				srv = httptest.NewServer(h)
			}
			defer srv.Close()
			defer close(stuck)
			conns := make(chan *Conn, 1)
			client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: []*Protocol{bulkSender("bulk", conns)}}})
			host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
			p, _ := net.LookupPort("tcp", port)
			info := ClientConnectInfo{Address: host, Port: p, Protocol: "bulk"}
			if side.tls {
				info.SSLConnection = UseSSL | AllowInsecure | SkipServerCertHostnameCheck
			}
			connectFrom(t, client, info)
			c := wait(t, conns, "CLIENT_ESTABLISHED")
			waitBacklog(t, client, c)
			for i := 0; i < 10; i++ {
				ran := make(chan struct{})
				client.Do(func() { close(ran) })
				wait(t, ran, "the client loop to run an event while its server does not read")
			}
		})
	}
}

// A client refuses a message longer than its read limit with 1009.
func TestClientReadLimit(t *testing.T) {
	for _, side := range sides {
		t.Run(side.name, func(t *testing.T) {
			noLeaks(t)
			closeCode := make(chan int, 1)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ws, err := (&websocket.Upgrader{Subprotocols: []string{"p"}}).Upgrade(w, r, nil)
				if err != nil {
					return
				}
				defer ws.Close()
				_ = ws.WriteMessage(websocket.BinaryMessage, make([]byte, 4096))
				_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
				for err == nil { // the client says hello first
					_, _, err = ws.ReadMessage()
				}
				var ce *websocket.CloseError
				if ok := asClose(err, &ce); ok {
					closeCode <- ce.Code
					return
				}
				t.Logf("server read: %v", err)
				closeCode <- -1
			})
			var srv *httptest.Server
			if side.tls {
				srv = httptest.NewTLSServer(h)
			} else {
				srv = httptest.NewServer(h)
			}
			defer srv.Close()
			ev := newClientEvents()
			proto := ev.protocol("p")
			client := startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, MaxMessageSize: 1024, Protocols: []*Protocol{proto}}})
			host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
			p, _ := net.LookupPort("tcp", port)
			info := ClientConnectInfo{Address: host, Port: p, Protocol: "p"}
			if side.tls {
				info.SSLConnection = UseSSL | AllowInsecure | SkipServerCertHostnameCheck
			}
			connectFrom(t, client, info)
			if code := wait(t, closeCode, "the server to see the client's close"); code != websocket.CloseMessageTooBig {
				t.Fatalf("client closed with %d, want 1009", code)
			}
			wait(t, ev.closed, "CLIENT_CLOSED")
		})
	}
}

func asClose(err error, ce **websocket.CloseError) bool {
	e, ok := err.(*websocket.CloseError)
	*ce = e
	return ok
}

func insecureTLS() *tls.Config { return &tls.Config{InsecureSkipVerify: true} }
