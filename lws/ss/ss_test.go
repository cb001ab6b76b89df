package ss

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/smd"
	"go.uber.org/goleak"
)

// streams sets Secure Streams up with a policy on a fresh context.
func streams(t *testing.T, p *Policy) (*lws.Context, *Streams) {
	t.Helper()
	c := runContext(t)
	var s *Streams
	onLoop(t, c, func() {
		var err error
		if s, err = New(c, Options{Policy: p}); err != nil {
			t.Fatal(err)
		}
	})
	return c, s
}

func create(t *testing.T, c *lws.Context, s *Streams, streamtype string, r Callbacks, setup func(*Handle)) *Handle {
	t.Helper()
	var h *Handle
	var err error
	onLoop(t, c, func() {
		h, err = s.Create(Info{Streamtype: streamtype, User: r})
		if err == nil && setup != nil {
			setup(h)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

// An h1 GET: lws's state sequence, the body with SOM on the first piece
// and a zero-length EOM at the end, metadata sent as its mapped header and
// substituted into the URL.
func TestH1GET(t *testing.T) {
	// Registered first, so it runs after the context has stopped.
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
	body := strings.Repeat("0123456789", 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/index.html" || r.URL.Query().Get("uptag") != "mytag" || r.Header.Get("X-Upload-Tag") != "mytag" || r.Proto != "HTTP/1.1" {
			http.Error(w, "bad request "+r.URL.String(), http.StatusBadRequest)
			return
		}
		io.WriteString(w, body)
	}))
	defer srv.Close()
	p, err := ParsePolicy([]byte(`{"s": [{"mintest": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(portOf(t, srv.Listener.Addr().String())) + `,
		"protocol": "h1", "http_method": "GET", "http_url": "index.html?uptag=${uptag}", "opportunistic": true,
		"metadata": [{"uptag": "X-Upload-Tag:"}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	r := newRecorder()
	create(t, c, s, "mintest", r, func(h *Handle) {
		if err := h.SetMetadata("uptag", []byte("mytag")); err != nil {
			t.Error(err)
		}
		if h.SetMetadata("undeclared", nil) == nil {
			t.Error("undeclared metadata accepted")
		}
		h.RequestTx()
	})
	r.waitState(t, StateDisconnected)
	wantStates := []State{StateCreating, StatePoll, StateConnecting, StateConnected, StateQOSAckRemote, StateDisconnected}
	if got := r.seen(); !slices.Equal(got, wantStates) {
		t.Fatalf("states %v, want %v", got, wantStates)
	}
	if string(r.body()) != body {
		t.Fatalf("body %d bytes, want %d", len(r.body()), len(body))
	}
	flags := r.rxFlags
	if flags[0]&FlagSOM == 0 || flags[len(flags)-1] != FlagEOM || len(r.rx) != len(body) {
		t.Fatalf("rx flags %v", flags)
	}
}

// A bad status is QOS_NACK_REMOTE; http_expect makes one status the good one.
func TestH1StatusAndExpect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		w.WriteHeader(code)
	}))
	defer srv.Close()
	port := strconv.Itoa(portOf(t, srv.Listener.Addr().String()))
	p, err := ParsePolicy([]byte(`{"s": [
		{"plain": {"endpoint": "127.0.0.1", "port": ` + port + `, "protocol": "h1", "http_url": "${code}", "metadata": [{"code": ""}]}},
		{"cpd": {"endpoint": "127.0.0.1", "port": ` + port + `, "protocol": "h1", "http_url": "${code}", "http_expect": 204, "metadata": [{"code": ""}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	for _, tc := range []struct {
		streamtype, code string
		want             State
	}{{"plain", "200", StateQOSAckRemote}, {"plain", "404", StateQOSNackRemote}, {"cpd", "204", StateQOSAckRemote}, {"cpd", "200", StateQOSNackRemote}} {
		r := newRecorder()
		create(t, c, s, tc.streamtype, r, func(h *Handle) {
			h.SetMetadata("code", []byte(tc.code))
			h.RequestTx()
		})
		r.waitState(t, StateDisconnected)
		if !slices.Contains(r.seen(), tc.want) {
			t.Errorf("%s %s: states %v, want %s", tc.streamtype, tc.code, r.seen(), tc.want)
		}
	}
}

// A POST body pulled from Tx in pieces, with the length given up front.
func TestH1POSTFromTx(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- fmt.Sprintf("%s %d %s", r.Method, r.ContentLength, b)
	}))
	defer srv.Close()
	p, err := ParsePolicy([]byte(`{"s": [{"minpost": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(portOf(t, srv.Listener.Addr().String())) + `,
		"protocol": "h1", "http_method": "POST", "http_url": "form", "opportunistic": true}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	r := newRecorder()
	parts := []string{"part one,", "part two,", "end"}
	r.tx = func(h *Handle, ord uint32, buf []byte) (int, Flags, Result) {
		n := copy(buf, parts[ord])
		flags := Flags(0)
		if ord == 0 {
			flags |= FlagSOM
		}
		if int(ord) == len(parts)-1 {
			flags |= FlagEOM
		} else {
			h.RequestTx() // more to come
		}
		return n, flags, ResultOK
	}
	create(t, c, s, "minpost", r, func(h *Handle) { h.RequestTxLen(len(strings.Join(parts, ""))) })
	select {
	case body := <-got:
		if body != "POST 21 part one,part two,end" {
			t.Fatalf("server got %q", body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no POST arrived")
	}
	r.waitState(t, StateQOSAckRemote)
}

// ws: nailed up, connects at create; messages both ways.
func TestWSNailedUp(t *testing.T) {
	up := websocket.Upgrader{Subprotocols: []string{"echo"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			mt, m, err := ws.ReadMessage()
			if err != nil {
				return
			}
			ws.WriteMessage(mt, append([]byte("echo: "), m...))
		}
	}))
	defer srv.Close()
	p, err := ParsePolicy([]byte(`{"s": [{"wsecho": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(portOf(t, srv.Listener.Addr().String())) + `,
		"protocol": "ws", "ws_subprotocol": "echo", "nailed_up": true}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	r := newRecorder()
	r.tx = func(h *Handle, ord uint32, buf []byte) (int, Flags, Result) {
		return copy(buf, "hello"), FlagSOM | FlagEOM, ResultOK
	}
	h := create(t, c, s, "wsecho", r, nil)
	r.waitState(t, StateConnected)
	onLoop(t, c, h.RequestTx)
	deadline := time.Now().Add(5 * time.Second)
	for string(r.body()) != "echo: hello" {
		if time.Now().After(deadline) {
			t.Fatalf("rx %q", r.body())
		}
		time.Sleep(10 * time.Millisecond)
	}
	onLoop(t, c, h.Destroy)
	if got := r.seen(); got[len(got)-1] != StateDestroying {
		t.Fatalf("states %v", got)
	}
}

// Retry (CORE-SPEC §2.4): with the server down, exactly `conceal`
// failures are retried unseen by the policy (each still reported
// UNREACHABLE), then ALL_RETRIES_FAILED; retry n waits backoff[n] plus
// jitterpc percent of it scaled by the random number. The delays checked
// are the ones the backoff armed, with the random number fixed, and the
// states are checked in order: nothing depends on how soon a busy machine
// runs the loop once a timer is due.
func TestRetryConceal(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := portOf(t, ln.Addr().String())
	ln.Close() // nobody listens
	p, err := ParsePolicy([]byte(`{"retry": [{"r": {"backoff": [100, 200, 300], "conceal": 3, "jitterpc": 10}}],
		"s": [{"down": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(port) + `, "protocol": "raw", "retry": "r"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	rc := newRetryClock(t, c, s, 0xffff, false) // the largest jitter
	r := newRecorder()
	var mu sync.Mutex
	var attempts []time.Time
	r.onState = func(h *Handle, st State) Result {
		if st == StateConnecting {
			mu.Lock()
			attempts = append(attempts, time.Now())
			mu.Unlock()
		}
		return ResultOK
	}
	create(t, c, s, "down", r, func(h *Handle) { h.ClientConnect() })
	r.waitState(t, StateAllRetriesFailed)
	attempt := []State{StateConnecting, StateUnreachable}
	retry := append([]State{StatePoll}, attempt...)
	wantStates := slices.Concat([]State{StateCreating}, attempt, retry, retry, retry, []State{StateAllRetriesFailed})
	if got := r.seen(); !slices.Equal(got, wantStates) {
		t.Fatalf("states %v, want %v", got, wantStates)
	}
	// base + base*10*65535/65536/100, in whole milliseconds as lws has it.
	wantDelays := []time.Duration{109 * time.Millisecond, 219 * time.Millisecond, 329 * time.Millisecond}
	for i, want := range wantDelays {
		if got := rc.next(t).delay; got != want {
			t.Errorf("retry %d armed for %v, want %v", i+1, got, want)
		}
	}
	// A timer never fires early, so however busy the machine, each new
	// attempt came at least its delay after the one before.
	mu.Lock()
	defer mu.Unlock()
	for i, d := range wantDelays {
		if gap := attempts[i+1].Sub(attempts[i]); gap < d {
			t.Errorf("retry %d came %v after the attempt before, sooner than its %v", i+1, gap, d)
		}
	}
}

// Retry (CORE-SPEC §2.4): the try counter starts again after a
// connection that came up. A nailed-up raw stream fails once, connects on
// its first retry, is dropped by the server and then finds the server
// gone: it gets the whole concealed budget again (conceal 2: two attempts
// after the drop, armed with backoff[0] and then backoff[1]), not what was
// left of it before it connected. The test fires each retry itself, so
// what the server does between two attempts is never a race.
func TestRetryResetAfterGoodConnection(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // down at first
	p, err := ParsePolicy([]byte(`{"retry": [{"r": {"backoff": [10, 20, 30], "conceal": 2, "jitterpc": 10}}],
		"s": [{"up": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(portOf(t, addr)) + `, "protocol": "raw", "retry": "r", "nailed_up": true}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	rc := newRetryClock(t, c, s, 0, true) // no jitter; retries run when fired
	r := newRecorder()
	gaveUp := make(chan struct{}, 1)
	r.onState = func(_ *Handle, st State) Result {
		if st == StateAllRetriesFailed {
			select {
			case gaveUp <- struct{}{}:
			default:
			}
		}
		return ResultOK
	}
	create(t, c, s, "up", r, nil)
	first := rc.next(t) // after the first attempt failed

	// The server comes up and the first retry connects.
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if nc, err := l.Accept(); err == nil {
			accepted <- nc
		}
	}()
	first.fire()
	r.waitState(t, StateConnected)
	var nc net.Conn
	select {
	case nc = <-accepted:
	case <-time.After(15 * time.Second):
		t.Fatal("the server accepted nothing")
	}
	// The server goes away: no more listener, then the connection drops.
	l.Close()
	nc.Close()

	var after []time.Duration // the retries armed after the drop
	for done := false; !done; {
		select {
		case a := <-rc.armed:
			after = append(after, a.delay)
			a.fire()
		case <-gaveUp:
			done = true
		case <-time.After(15 * time.Second):
			t.Fatalf("neither a retry nor ALL_RETRIES_FAILED; states %v", r.seen())
		}
	}
	wantStates := []State{StateCreating, StateConnecting, StateUnreachable, StatePoll, StateConnecting, StateConnected,
		StateDisconnected, StatePoll, StateConnecting, StateUnreachable, StatePoll, StateConnecting, StateUnreachable,
		StateAllRetriesFailed}
	if got := r.seen(); !slices.Equal(got, wantStates) {
		t.Errorf("states %v, want %v", got, wantStates)
	}
	if first.delay != 10*time.Millisecond || !slices.Equal(after, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}) {
		t.Errorf("retries armed for %v before connecting and %v after the drop, want 10ms and [10ms 20ms]", first.delay, after)
	}
}

// A nailed-up stream (CORE-SPEC §2.3 nailed_up, §2.4) stays up: when the
// server kills its connection it reports DISCONNECTED, then goes back
// through POLL and CONNECTING to CONNECTED on a new connection, over raw
// and ws alike.
func TestNailedUpReconnects(t *testing.T) {
	for _, proto := range []string{"raw", "ws"} {
		t.Run(proto, func(t *testing.T) {
			conns := make(chan io.Closer, 4) // the server's end of each connection
			var addr string
			if proto == "raw" {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ln.Close() })
				go func() {
					for {
						nc, err := ln.Accept()
						if err != nil {
							return
						}
						conns <- nc
					}
				}()
				addr = ln.Addr().String()
			} else {
				up := websocket.Upgrader{}
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					ws, err := up.Upgrade(w, r, nil)
					if err != nil {
						return
					}
					conns <- ws
					for {
						if _, _, err := ws.ReadMessage(); err != nil {
							return
						}
					}
				}))
				t.Cleanup(srv.Close)
				addr = srv.Listener.Addr().String()
			}
			p, err := ParsePolicy([]byte(`{"retry": [{"r": {"backoff": [10], "conceal": 5}}],
				"s": [{"up": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(portOf(t, addr)) + `, "protocol": "` + proto + `",
				"retry": "r", "nailed_up": true}}]}`))
			if err != nil {
				t.Fatal(err)
			}
			c, s := streams(t, p)
			r := newRecorder()
			server := func() io.Closer {
				t.Helper()
				select {
				case sc := <-conns:
					return sc
				case <-time.After(15 * time.Second):
					t.Fatal("the server saw no connection")
					return nil
				}
			}
			create(t, c, s, "up", r, nil)
			r.waitState(t, StateConnected)
			server().Close() // the server kills the connection
			r.waitState(t, StateConnected)
			server() // a new one
			want := []State{StateCreating, StateConnecting, StateConnected, StateDisconnected, StatePoll, StateConnecting, StateConnected}
			if got := r.seen(); !slices.Equal(got, want) {
				t.Fatalf("states %v, want %v", got, want)
			}
		})
	}
}

func count(states []State, st State) int {
	n := 0
	for _, s := range states {
		if s == st {
			n++
		}
	}
	return n
}

// Retry, the scenario: the server is down at start and comes up
// 3 s later; a nailed-up stream connects on the backoff schedule.
func TestRetryServerComesUp(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	p, err := ParsePolicy([]byte(`{"retry": [{"r": {"backoff": [1000], "conceal": 10, "jitterpc": 5}}],
		"s": [{"up": {"endpoint": "127.0.0.1", "port": ` + strconv.Itoa(portOf(t, addr)) + `, "protocol": "raw", "retry": "r", "nailed_up": true}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, s := streams(t, p)
	r := newRecorder()
	start := time.Now()
	create(t, c, s, "up", r, nil)
	time.AfterFunc(3*time.Second-100*time.Millisecond, func() {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Error(err)
			return
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				nc, err := l.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { nc.Close() })
			}
		}()
	})
	r.waitState(t, StateConnected)
	took := time.Since(start)
	states := r.seen()
	// Attempts at 0, ~1, ~2, ~3 s: three failures, connected on the fourth.
	if count(states, StateUnreachable) != 3 || took < 3*time.Second || took > 3*time.Second+500*time.Millisecond {
		t.Fatalf("connected after %v with states %v", took, states)
	}
	if slices.Contains(states, StateAllRetriesFailed) {
		t.Fatal("gave up within the concealed retries")
	}
}

// The user watchdog: TIMEOUT after the policy's timeout_ms, or the given
// time; cancelled, nothing.
func TestTimeout(t *testing.T) {
	p, _ := ParsePolicy([]byte(`{"s": [{"idle": {"endpoint": "127.0.0.1", "port": 1, "protocol": "raw", "timeout_ms": 100}}]}`))
	c, s := streams(t, p)
	r := newRecorder()
	create(t, c, s, "idle", r, func(h *Handle) { h.StartTimeout(0) })
	r.waitState(t, StateTimeout)
	r2 := newRecorder()
	create(t, c, s, "idle", r2, func(h *Handle) { h.StartTimeout(50 * time.Millisecond); h.CancelTimeout() })
	time.Sleep(200 * time.Millisecond)
	if slices.Contains(r2.seen(), StateTimeout) {
		t.Fatal("cancelled timeout fired")
	}
}

func TestUnknownStreamtype(t *testing.T) {
	p, _ := ParsePolicy([]byte(`{"s": []}`))
	c, s := streams(t, p)
	onLoop(t, c, func() {
		if _, err := s.Create(Info{Streamtype: "nope", User: newRecorder()}); err == nil {
			t.Error("unknown streamtype created")
		}
	})
}

// An _lws_smd stream's Tx may ask for the next pull from inside Tx.
func TestSMDRequestTxInsideTx(t *testing.T) {
	p, _ := ParsePolicy([]byte(`{"s": []}`))
	c := runContext(t)
	var bus *smd.Bus
	var s *Streams
	got := make(chan string, 8)
	onLoop(t, c, func() {
		bus = smd.New(c)
		bus.Register(smd.Network, func(_ smd.Class, _ time.Time, p []byte) int { got <- string(p); return 0 })
		var err error
		if s, err = New(c, Options{Policy: p, SMD: bus}); err != nil {
			t.Fatal(err)
		}
	})
	msgs := []string{"one", "two", "three"}
	r := newRecorder()
	r.tx = func(h *Handle, ord uint32, buf []byte) (int, Flags, Result) {
		if len(msgs) == 0 {
			return 0, 0, ResultTxDontSend
		}
		binary.BigEndian.PutUint64(buf, uint64(smd.Network))
		n := SMDHeader + copy(buf[SMDHeader:], msgs[0])
		msgs = msgs[1:]
		if len(msgs) > 0 {
			h.RequestTx()
		}
		return n, FlagSOM | FlagEOM, ResultOK
	}
	h := create(t, c, s, SMDStreamtype, r, nil)
	r.waitState(t, StateConnected)
	onLoop(t, c, h.RequestTx)
	for _, want := range []string{"one", "two", "three"} {
		select {
		case m := <-got:
			if m != want {
				t.Fatalf("got %q, want %q", m, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %q", want)
		}
	}
}
