package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/ss"
)

// The proxy and this client as real processes. The proxy is this test
// binary itself, started as "ss-proxy <socket> <policy file>" (see
// proxyMain): minimal-secure-streams-proxy's job, done with the core's ss
// package, so the test needs nothing outside this module.
var bin struct {
	dir, proxy, client string
	err                error
}

func TestMain(m *testing.M) {
	if len(os.Args) == 4 && os.Args[1] == "ss-proxy" {
		os.Exit(proxyMain(os.Args[2], os.Args[3]))
	}
	dir, err := os.MkdirTemp("", "ss-proxy-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin.dir = dir
	bin.proxy, bin.client = os.Args[0], filepath.Join(dir, "client-tx")
	if out, err := exec.Command("go", "build", "-o", bin.client, ".").CombinedOutput(); err != nil {
		bin.err = fmt.Errorf("build the client: %v\n%s", err, out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proxyMain is an SS proxy on the abstract socket sock serving the policy
// in file, until SIGTERM.
func proxyMain(sock, file string) int {
	log := logs.New(os.Stderr, cmdline.DefaultLogLevel)
	data, err := os.ReadFile(file)
	if err != nil {
		logs.Errf(log, "policy: %v", err)
		return 1
	}
	policy, err := ss.ParsePolicy(data)
	if err != nil {
		logs.Errf(log, "policy: %v", err)
		return 1
	}
	var streams *ss.Streams
	operational := func(c *lws.Context, current, target lws.SystemState) bool {
		if target == lws.StateOperational {
			addr, err := streams.ProxyListen(sock, 0)
			if err != nil {
				logs.Errf(log, "listen: %v", err)
				c.Stop()
				return false
			}
			logs.Userf(log, "ss proxy listening on %s", addr)
		}
		return false
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, Notifiers: []lws.SystemNotifier{operational}, VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		logs.Errf(log, "%v", err)
		return 1
	}
	if streams, err = ss.New(c, ss.Options{Policy: policy}); err != nil {
		c.Destroy()
		logs.Errf(log, "%v", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := c.Run(ctx); err != nil {
		logs.Errf(log, "%v", err)
		return 1
	}
	return 0
}

// echoPeer is the "spam" stream's onward peer: a ws echo server that keeps
// what each connection sent.
type echoPeer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	conns  []*bytes.Buffer
	closed int
}

func newEchoPeer(t *testing.T) *echoPeer {
	e := &echoPeer{}
	up := websocket.Upgrader{Subprotocols: []string{"lws-minimal-server-echo"}}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		got := &bytes.Buffer{}
		e.mu.Lock()
		e.conns = append(e.conns, got)
		e.mu.Unlock()
		defer func() {
			e.mu.Lock()
			e.closed++
			e.mu.Unlock()
		}()
		for {
			mt, m, err := ws.ReadMessage()
			if err != nil {
				return
			}
			e.mu.Lock()
			got.Write(m)
			e.mu.Unlock()
			if ws.WriteMessage(mt, m) != nil {
				return
			}
		}
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *echoPeer) port() string {
	_, p, _ := net.SplitHostPort(e.srv.Listener.Addr().String())
	return p
}

// start runs one of the built programs.
func start(t *testing.T, path string, args ...string) *lwstest.Proc {
	t.Helper()
	if bin.err != nil {
		t.Fatal(bin.err)
	}
	return lwstest.StartProc(t, path, args...)
}

// startProxy runs a proxy on its own abstract socket with a policy whose
// "spam" (as minimal-secure-streams-proxy's policy has it) goes to peer.
func startProxy(t *testing.T, sock string, peer *echoPeer) *lwstest.Proc {
	t.Helper()
	policy := `{"release": "01234567", "product": "myproduct", "schema-version": 1,
	"retry": [{"default": {"backoff": [1000, 2000, 3000, 5000], "conceal": 5, "jitterpc": 20, "svalidping": 30, "svalidhup": 35}}],
	"s": [{"spam": {"endpoint": "localhost", "port": ` + peer.port() + `, "protocol": "ws",
		"ws_subprotocol": "lws-minimal-server-echo", "retry": "default"}}]}`
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, bin.proxy, "ss-proxy", sock, file)
	p.WaitLog(t, "ss proxy listening on", 1, 20*time.Second)
	return p
}

func socket(t *testing.T) string {
	return fmt.Sprintf("@lws-go-ss-proxy-test-%d", time.Now().UnixNano())
}

// Two client processes through one proxy: each has its own stream and its
// own onward connection, and each gets every packet through.
func TestTwoClientsOneProxy(t *testing.T) {
	peer := newEchoPeer(t)
	sock := socket(t)
	startProxy(t, sock, peer)
	a := start(t, bin.client, "-i", sock, "--packets", "50", "--interval-ms", "5")
	b := start(t, bin.client, "-i", sock, "--packets", "50", "--interval-ms", "5")
	for _, c := range []*lwstest.Proc{a, b} {
		if err := c.Wait(t, 30*time.Second); err != nil || !strings.Contains(c.Log(), "Completed: OK") {
			t.Fatalf("client: %v\n%s", err, c.Log())
		}
	}
	peer.mu.Lock()
	defer peer.mu.Unlock()
	if len(peer.conns) != 2 {
		t.Fatalf("%d onward connections, want 2", len(peer.conns))
	}
	for i, c := range peer.conns {
		if c.Len() != 50*packetSize || !bytes.HasPrefix(c.Bytes(), []byte("000000:")) {
			t.Fatalf("connection %d carried %d bytes, want %d", i, c.Len(), 50*packetSize)
		}
	}
}

// A client killed mid-run: the proxy destroys its stream, which closes the
// onward connection.
func TestKilledClient(t *testing.T) {
	peer := newEchoPeer(t)
	sock := socket(t)
	px := startProxy(t, sock, peer)
	c := start(t, bin.client, "-i", sock, "--packets", "1000", "--interval-ms", "20")
	c.WaitLog(t, "spam_state: CONNECTED", 1, 20*time.Second)
	_ = c.Cmd.Process.Signal(syscall.SIGKILL)
	px.WaitLog(t, "client link closed; destroying its stream", 1, 20*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for {
		peer.mu.Lock()
		closed := peer.closed
		peer.mu.Unlock()
		if closed == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the onward connection outlived its client")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The proxy killed mid-run: the client retries it every second and, once
// a proxy is back, recovers and finishes.
func TestKilledProxy(t *testing.T) {
	peer := newEchoPeer(t)
	sock := socket(t)
	px := startProxy(t, sock, peer)
	c := start(t, bin.client, "-i", sock, "--packets", "150", "--interval-ms", "20")
	c.WaitLog(t, "sent 100 packets", 1, 20*time.Second)
	_ = px.Cmd.Process.Signal(syscall.SIGKILL)
	c.WaitLog(t, "retrying the proxy in 1 s", 3, 20*time.Second) // the loss, then two refused retries
	startProxy(t, sock, peer)
	if err := c.Wait(t, 30*time.Second); err != nil || !strings.Contains(c.Log(), "Completed: OK") {
		t.Fatalf("client did not recover: %v\n%s", err, c.Log())
	}
	// The retries were a second apart.
	var times []time.Time
	for _, l := range strings.Split(c.Log(), "\n") {
		if strings.Contains(l, "retrying the proxy in 1 s") && len(l) > 25 {
			// lws's time stamp: [2006/01/02 15:04:05:NNNN], N in 100 µs.
			ts, err := time.Parse("2006/01/02 15:04:05", l[1:20])
			frac, ferr := strconv.Atoi(l[21:25])
			if err == nil && ferr == nil {
				times = append(times, ts.Add(time.Duration(frac)*100*time.Microsecond))
			}
		}
	}
	for i := 2; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 900*time.Millisecond || gap > 1500*time.Millisecond {
			t.Fatalf("retries %v apart, want about 1 s:\n%s", gap, c.Log())
		}
	}
	if len(times) < 3 {
		t.Fatalf("only %d retries logged:\n%s", len(times), c.Log())
	}
}
