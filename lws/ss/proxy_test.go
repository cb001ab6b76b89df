package ss

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
)

var proxyN atomic.Int32

// proxyAddr is an abstract socket of the test's own.
func proxyAddr(t *testing.T) string {
	return fmt.Sprintf("@lws-go-ss-test-%d-%d", time.Now().UnixNano()%1e9, proxyN.Add(1))
}

// echoServer is a ws echo peer that counts its connections.
func echoServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		conns.Add(1)
		defer ws.Close()
		for {
			mt, m, err := ws.ReadMessage()
			if err != nil {
				return
			}
			ws.WriteMessage(mt, m)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &conns
}

func proxyPolicy(t *testing.T, port int) *Policy {
	p, err := ParsePolicy([]byte(`{"retry": [{"r": {"backoff": [200], "conceal": 100}}],
		"s": [{"echo": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(port) + `, "protocol": "ws", "retry": "r"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// startProxy runs a proxy context listening on addr.
func startProxy(t *testing.T, addr string, p *Policy) (*lws.Context, *Streams) {
	t.Helper()
	c := runContext(t)
	var s *Streams
	onLoop(t, c, func() {
		var err error
		if s, err = New(c, Options{Policy: p}); err != nil {
			t.Fatal(err)
		}
		if _, err = s.ProxyListen(addr, 0); err != nil {
			t.Fatal(err)
		}
	})
	return c, s
}

// proxyClient is a client context with one stream through the proxy that
// sends what it is given and records what comes back.
type proxyClient struct {
	c    *lws.Context
	h    *Handle
	r    *recorder
	mu   sync.Mutex
	next []string
	// askInside: Tx asks for the next pull itself while more is queued.
	askInside bool
}

func newProxyClient(t *testing.T, proxy ProxyInfo) *proxyClient {
	t.Helper()
	pc := &proxyClient{c: runContext(t), r: newRecorder()}
	pc.r.tx = func(h *Handle, ord uint32, buf []byte) (int, Flags, Result) {
		pc.mu.Lock()
		defer pc.mu.Unlock()
		if len(pc.next) == 0 {
			return 0, 0, ResultTxDontSend
		}
		n := copy(buf, pc.next[0])
		pc.next = pc.next[1:]
		if pc.askInside && len(pc.next) > 0 {
			h.RequestTx()
		}
		return n, FlagSOM | FlagEOM, ResultOK
	}
	onLoop(t, pc.c, func() {
		s, err := New(pc.c, Options{Proxy: &proxy})
		if err != nil {
			t.Fatal(err)
		}
		if pc.h, err = s.Create(Info{Streamtype: "echo", User: pc.r}); err != nil {
			t.Fatal(err)
		}
		_ = pc.h.ClientConnect()
	})
	return pc
}

func (pc *proxyClient) send(t *testing.T, msg string) {
	pc.mu.Lock()
	pc.next = append(pc.next, msg)
	pc.mu.Unlock()
	onLoop(t, pc.c, pc.h.RequestTx)
}

func (pc *proxyClient) waitBody(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for string(pc.r.body()) != want {
		if time.Now().After(deadline) {
			t.Fatalf("client got %q, want %q (states %v)", pc.r.body(), want, pc.r.seen())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Two clients through one proxy have streams of their own: each gets its
// own echo over its own onward connection.
func TestProxyTwoClientsSeparateStreams(t *testing.T) {
	srv, conns := echoServer(t)
	addr := proxyAddr(t)
	pxc, px := startProxy(t, addr, proxyPolicy(t, portOf(t, srv.Listener.Addr().String())))
	a, b := newProxyClient(t, ProxyInfo{Address: addr}), newProxyClient(t, ProxyInfo{Address: addr})
	a.r.waitState(t, StateConnected)
	b.r.waitState(t, StateConnected)
	a.send(t, "from a")
	b.send(t, "from b")
	a.waitBody(t, "from a")
	b.waitBody(t, "from b")
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d onward connections, want 2", n)
	}
	var live int
	onLoop(t, pxc, func() { live = px.Len() })
	if live != 2 {
		t.Fatalf("proxy has %d streams", live)
	}
	// A client that goes away takes its proxy-side stream with it.
	b.c.Destroy()
	deadline := time.Now().Add(5 * time.Second)
	for {
		onLoop(t, pxc, func() { live = px.Len() })
		if live == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy still has %d streams after a client left", live)
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.send(t, " again")
	a.waitBody(t, "from a again")
}

// A proxy that dies: the client hears DISCONNECTED, retries every second,
// and recovers when a proxy is back.
func TestProxyRestart(t *testing.T) {
	srv, _ := echoServer(t)
	addr := proxyAddr(t)
	policy := proxyPolicy(t, portOf(t, srv.Listener.Addr().String()))
	pxc, _ := startProxy(t, addr, policy)
	cl := newProxyClient(t, ProxyInfo{Address: addr})
	cl.r.waitState(t, StateConnected)
	pxc.Destroy()
	cl.r.waitState(t, StateDisconnected)
	down := time.Now()
	time.Sleep(2500 * time.Millisecond)
	startProxy(t, addr, policy)
	cl.r.waitState(t, StateConnected)
	back := time.Since(down)
	// Retries at ~1 s and ~2 s are refused; the one at ~3 s finds the
	// proxy that came back at 2.5 s.
	if back < 2500*time.Millisecond || back > 3500*time.Millisecond {
		t.Fatalf("recovered %v after the proxy went away", back)
	}
	cl.send(t, "after")
	cl.waitBody(t, "after")
}

// The proxy over TCP (lws's -p): the same link, on a port.
func TestProxyOverTCP(t *testing.T) {
	srv, _ := echoServer(t)
	c := runContext(t)
	var port int
	onLoop(t, c, func() {
		s, err := New(c, Options{Policy: proxyPolicy(t, portOf(t, srv.Listener.Addr().String()))})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if _, err := s.ProxyListen("127.0.0.1", port); err != nil {
			t.Fatal(err)
		}
	})
	cl := newProxyClient(t, ProxyInfo{Address: "127.0.0.1", Port: port})
	cl.r.waitState(t, StateConnected)
	cl.send(t, "over tcp")
	cl.waitBody(t, "over tcp")
}

// A proxied stream's Tx may ask for the next pull from inside Tx, as with
// a direct stream: each piece goes out in turn, no recursion.
func TestProxyRequestTxInsideTx(t *testing.T) {
	srv, _ := echoServer(t)
	addr := proxyAddr(t)
	startProxy(t, addr, proxyPolicy(t, portOf(t, srv.Listener.Addr().String())))
	cl := newProxyClient(t, ProxyInfo{Address: addr})
	cl.r.waitState(t, StateConnected)
	cl.mu.Lock()
	cl.next, cl.askInside = []string{"a", "b", "c", "d"}, true
	cl.mu.Unlock()
	onLoop(t, cl.c, cl.h.RequestTx)
	cl.waitBody(t, "abcd")
}
