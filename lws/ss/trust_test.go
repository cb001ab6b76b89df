package ss

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lws-go/lws-go/lws"
)

// The policy of CORE-SPEC §3.9, as policy2go would emit it: streamtypes A
// (used by A1 and A2) on ts_a, B on ts_b, N on none; all opportunistic.
type trustFixture struct {
	caA, caB *testCA
	policy   *Policy
	c        *lws.Context
	s        *Streams

	mu     sync.Mutex
	events []string // "built ts_a", "destroyed ts_a", ...
}

func newTrustFixture(t *testing.T, static bool) *trustFixture {
	t.Helper()
	f := &trustFixture{caA: newCA(t, "ca-a"), caB: newCA(t, "ca-b")}
	f.policy = f.makePolicy(f.caA.der)
	f.c = runContext(t)
	onLoop(t, f.c, func() {
		var err error
		f.s, err = New(f.c, Options{Policy: f.policy, StaticOnly: static, TrustHook: f.hook})
		if err != nil {
			t.Fatal(err)
		}
	})
	return f
}

func (f *trustFixture) makePolicy(derA []byte) *Policy {
	once := &RetryEntry{Name: "once", Backoff: lws.RetryBackoff{RetryMs: []uint32{100}, ConcealCount: 0}}
	tsA := &TrustStore{Name: "ts_a", Certs: []*Cert{{Name: "ca_a", DER: derA}}}
	tsB := &TrustStore{Name: "ts_b", Certs: []*Cert{{Name: "ca_b", DER: f.caB.der}}}
	st := func(name string, ts *TrustStore) *Streamtype {
		return &Streamtype{Name: name, Endpoint: "127.0.0.1", Port: 1, Protocol: ProtocolH1, HTTPMethod: "GET",
			Flags: FlagOpportunistic | FlagTLS, TrustStore: ts, Retry: once}
	}
	return &Policy{
		Retry: []*RetryEntry{once}, Certs: []*Cert{tsA.Certs[0], tsB.Certs[0]},
		TrustStores: []*TrustStore{tsA, tsB},
		Streamtypes: []*Streamtype{st("A", tsA), st("B", tsB), st("N", nil)},
	}
}

func (f *trustFixture) hook(store string, ev TrustEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, ev.String()+" "+store)
}

func (f *trustFixture) count(event string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, e := range f.events {
		if e == event {
			n++
		}
	}
	return n
}

type probe struct {
	refs   int
	live   bool
	builds int
}

func (f *trustFixture) probe(t *testing.T, store string) (p probe) {
	t.Helper()
	onLoop(t, f.c, func() { p.refs, p.live, p.builds = f.s.TrustStoreInfo(store) })
	return p
}

func (f *trustFixture) create(t *testing.T, streamtype string, r *recorder) *Handle {
	t.Helper()
	var h *Handle
	var err error
	onLoop(t, f.c, func() { h, err = f.s.Create(Info{Streamtype: streamtype, User: r}) })
	if err != nil {
		t.Fatalf("create %s: %v", streamtype, err)
	}
	return h
}

func (f *trustFixture) destroy(t *testing.T, h *Handle) {
	t.Helper()
	onLoop(t, f.c, h.Destroy)
}

func want(t *testing.T, f *trustFixture, store string, exp probe) {
	t.Helper()
	if got := f.probe(t, store); got != exp {
		t.Fatalf("%s: got %+v, want %+v", store, got, exp)
	}
}

// 1. After context creation nothing is live and nothing was built.
func TestTrust1NothingAtCreation(t *testing.T) {
	f := newTrustFixture(t, true)
	for _, s := range []string{"ts_a", "ts_b", defaultStore} {
		want(t, f, s, probe{})
	}
}

// 2. Creating A1 builds ts_a (refs 1, one build), already live inside A1's
// CREATING.
func TestTrust2FirstStreamBuilds(t *testing.T) {
	f := newTrustFixture(t, true)
	r := newRecorder()
	var inCreating probe
	r.onState = func(h *Handle, st State) Result {
		if st == StateCreating {
			inCreating.refs, inCreating.live, inCreating.builds = h.Streams().TrustStoreInfo("ts_a")
		}
		return ResultOK
	}
	f.create(t, "A", r)
	if inCreating != (probe{1, true, 1}) {
		t.Fatalf("inside CREATING: %+v", inCreating)
	}
	want(t, f, "ts_a", probe{1, true, 1})
}

// 3. A2 shares ts_a (refs 2, still one build); B gets ts_b of its own.
func TestTrust3Sharing(t *testing.T) {
	f := newTrustFixture(t, true)
	f.create(t, "A", newRecorder())
	f.create(t, "A", newRecorder())
	want(t, f, "ts_a", probe{2, true, 1})
	f.create(t, "B", newRecorder())
	want(t, f, "ts_b", probe{1, true, 1})
	want(t, f, "ts_a", probe{2, true, 1})
}

// 4. Destroying A1 drops a reference; destroying A2 destroys ts_a after
// its DESTROYING, exactly once; ts_b is untouched.
func TestTrust4LastReleaseDestroys(t *testing.T) {
	f := newTrustFixture(t, true)
	a1 := f.create(t, "A", newRecorder())
	r2 := newRecorder()
	var inDestroying probe
	r2.onState = func(h *Handle, st State) Result {
		if st == StateDestroying {
			inDestroying.refs, inDestroying.live, inDestroying.builds = h.Streams().TrustStoreInfo("ts_a")
		}
		return ResultOK
	}
	a2 := f.create(t, "A", r2)
	f.create(t, "B", newRecorder())
	f.destroy(t, a1)
	want(t, f, "ts_a", probe{1, true, 1})
	f.destroy(t, a2)
	if inDestroying != (probe{1, true, 1}) {
		t.Fatalf("inside A2's DESTROYING: %+v", inDestroying)
	}
	want(t, f, "ts_a", probe{0, false, 1})
	if n := f.count("destroyed ts_a"); n != 1 {
		t.Fatalf("ts_a destroyed %d times", n)
	}
	want(t, f, "ts_b", probe{1, true, 1})
}

// 5. A new A1 after the last one went rebuilds the store.
func TestTrust5Rebuild(t *testing.T) {
	f := newTrustFixture(t, true)
	f.destroy(t, f.create(t, "A", newRecorder()))
	f.create(t, "A", newRecorder())
	want(t, f, "ts_a", probe{1, true, 2})
	if f.count("built ts_a") != 2 {
		t.Fatalf("events %v", f.events)
	}
}

// 6. A streamtype without a store uses _ss_default, which appears and stays.
func TestTrust6DefaultStays(t *testing.T) {
	f := newTrustFixture(t, true)
	f.destroy(t, f.create(t, "N", newRecorder()))
	want(t, f, defaultStore, probe{0, true, 1})
	f.destroy(t, f.create(t, "N", newRecorder()))
	want(t, f, defaultStore, probe{0, true, 1})
}

// 7. A store with corrupt DER: create fails, no CREATING, nothing
// registered.
func TestTrust7CorruptDER(t *testing.T) {
	f := newTrustFixture(t, true)
	onLoop(t, f.c, func() { f.policy.TrustStore("ts_a").Certs[0].DER = []byte{0x30, 0x03, 0x01} })
	r := newRecorder()
	var err error
	onLoop(t, f.c, func() { _, err = f.s.Create(Info{Streamtype: "A", User: r}) })
	if err == nil {
		t.Fatal("create succeeded with a corrupt trust store")
	}
	if len(r.seen()) != 0 {
		t.Fatalf("callbacks after a failed create: %v", r.seen())
	}
	want(t, f, "ts_a", probe{})
}

// 8. CREATING refusing: create fails and the reference is given back.
func TestTrust8CreatingRejects(t *testing.T) {
	f := newTrustFixture(t, true)
	f.create(t, "A", newRecorder())
	r := newRecorder()
	r.onState = func(*Handle, State) Result { return ResultDestroyMe }
	var err error
	onLoop(t, f.c, func() { _, err = f.s.Create(Info{Streamtype: "A", User: r}) })
	if err == nil {
		t.Fatal("create succeeded though CREATING refused")
	}
	want(t, f, "ts_a", probe{1, true, 1})
}

// 9. An idle opportunistic stream that never connected holds its store.
func TestTrust9IdleStreamHolds(t *testing.T) {
	f := newTrustFixture(t, true)
	r := newRecorder()
	f.create(t, "A", r)
	want(t, f, "ts_a", probe{1, true, 1})
	if slices.Contains(r.seen(), StateConnecting) {
		t.Fatal("an opportunistic stream connected by itself")
	}
}

// 10. A stream on ts_a trusts exactly ts_a's CA: a server chained to ts_b's
// CA fails verification, one chained to ts_a's is accepted.
func TestTrust10TrustsExactlyItsStore(t *testing.T) {
	f := newTrustFixture(t, true)
	r := newRecorder()
	h := f.create(t, "A", r)
	if f.trusts(t, h, r, tlsServer(t, f.caB, "signed for ts_b"), "signed for ts_b") {
		t.Fatal("a stream on ts_a accepted a server outside ts_a")
	}
	if !f.trusts(t, h, r, tlsServer(t, f.caA, "trusted"), "trusted") {
		t.Fatal("a stream on ts_a refused a server signed by ts_a's CA")
	}
}

// 11. Destroying the context releases every instance.
func TestTrust11ContextDestroyReleasesAll(t *testing.T) {
	f := newTrustFixture(t, true)
	f.create(t, "A", newRecorder())
	f.create(t, "A", newRecorder())
	f.create(t, "B", newRecorder())
	f.c.Destroy()
	if f.count("destroyed ts_a") != 1 || f.count("destroyed ts_b") != 1 {
		t.Fatalf("events %v", f.events)
	}
	if _, live, _ := f.s.TrustStoreInfo("ts_a"); live {
		t.Fatal("ts_a live after context destroy")
	}
}

// 12. Dynamic mode: every store is built at load with no references and
// survives its streams; replacing the policy rebuilds them.
func TestTrust12DynamicEager(t *testing.T) {
	f := newTrustFixture(t, false)
	want(t, f, "ts_a", probe{0, true, 1})
	want(t, f, "ts_b", probe{0, true, 1})
	want(t, f, defaultStore, probe{0, true, 1})
	a := f.create(t, "A", newRecorder())
	want(t, f, "ts_a", probe{0, true, 1})
	f.destroy(t, a)
	want(t, f, "ts_a", probe{0, true, 1})
	var err error
	onLoop(t, f.c, func() { err = f.s.SetPolicy(f.makePolicy(f.caA.der)) })
	if err != nil {
		t.Fatal(err)
	}
	want(t, f, "ts_a", probe{0, true, 2})
	want(t, f, "ts_b", probe{0, true, 2})
	if f.count("destroyed ts_a") != 1 {
		t.Fatalf("events %v", f.events)
	}
}

// setStack replaces a store's certs with ders (named "<store>/1",
// "<store>/2", ...), before any stream has built it.
func (f *trustFixture) setStack(t *testing.T, store string, ders ...[]byte) {
	t.Helper()
	onLoop(t, f.c, func() {
		ts := f.policy.TrustStore(store)
		ts.Certs = nil
		for i, der := range ders {
			ts.Certs = append(ts.Certs, &Cert{Name: fmt.Sprintf("%s/%d", store, i+1), DER: der})
		}
	})
}

// tlsServer is an https server on 127.0.0.1 whose certificate ca signed,
// answering every request with body; it returns the port.
func tlsServer(t *testing.T, ca *testCA, body string) int {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, body) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.serverCert(t)}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return portOf(t, srv.Listener.Addr().String())
}

// trusts points h's streamtype at port, has h make one h1 transaction
// over TLS and reports whether the server's certificate was trusted: true
// for QOS_ACK_REMOTE with the server's body, false for a failed attempt
// that never got to CONNECTED (the fixture's streamtypes do not retry).
// Anything else fails the test.
func (f *trustFixture) trusts(t *testing.T, h *Handle, r *recorder, port int, body string) bool {
	t.Helper()
	from, rxFrom := len(r.seen()), len(r.body())
	onLoop(t, f.c, func() {
		h.Streamtype().Port = port
		h.RequestTx()
	})
	end := r.waitAny(t, StateDisconnected, StateAllRetriesFailed)
	states, rx := r.seen()[from:], string(r.body()[rxFrom:])
	switch {
	case end == StateDisconnected && slices.Contains(states, StateQOSAckRemote) && rx == body:
		return true
	case end == StateAllRetriesFailed && slices.Contains(states, StateUnreachable) && !slices.Contains(states, StateConnected):
		return false
	}
	t.Fatalf("transaction with the server on port %d: states %v, body %q", port, states, rx)
	return false
}

// CORE-SPEC §3.6, the second defect: lws added certs 2..n to a vhost
// already registered under the store's name, so a bad extra cert left a
// registered, unreferenced vhost that later lookups reused. Go publishes
// only fully built instances. With the SECOND of three certs corrupt,
// create fails, with no callbacks, and nothing is registered or counted
// as built; a second create finds no half-built instance to reuse and
// fails the same way. Once the stack is whole, the first create builds it
// (one build, every cert trusted), as for a store never seen before.
func TestTrustCorruptSecondCertPublishesNothing(t *testing.T) {
	f := newTrustFixture(t, true)
	ca2, ca3 := newCA(t, "ca-a2"), newCA(t, "ca-a3")
	f.setStack(t, "ts_a", f.caA.der, []byte{0x30, 0x03, 0x01}, ca3.der)
	for attempt := 1; attempt <= 2; attempt++ {
		r := newRecorder()
		var err error
		onLoop(t, f.c, func() { _, err = f.s.Create(Info{Streamtype: "A", User: r}) })
		if err == nil {
			t.Fatalf("create %d succeeded with cert 2 of ts_a corrupt", attempt)
		}
		if !strings.Contains(err.Error(), `"ts_a/2"`) {
			t.Errorf("create %d: the error does not name the corrupt cert: %v", attempt, err)
		}
		if len(r.seen()) != 0 {
			t.Fatalf("create %d: callbacks after a failed create: %v", attempt, r.seen())
		}
		want(t, f, "ts_a", probe{})
	}
	if n := f.count("built ts_a"); n != 0 {
		t.Fatalf("ts_a reported built %d times with a corrupt cert", n)
	}
	f.setStack(t, "ts_a", f.caA.der, ca2.der, ca3.der)
	r := newRecorder()
	h := f.create(t, "A", r)
	want(t, f, "ts_a", probe{1, true, 1})
	if !f.trusts(t, h, r, tlsServer(t, ca2, "cert 2"), "cert 2") {
		t.Fatal("the store rebuilt whole does not trust its cert 2")
	}
}

// CORE-SPEC §2.7 and §3.8: an instance trusts every cert of its stack,
// not only the one lws's generated static policies loaded. A stream on a
// three-cert ts_a accepts servers chained to cert 1, 2 and 3 over real TLS
// connections, and still refuses one chained to ts_b's CA.
func TestTrustStoreTrustsEveryCert(t *testing.T) {
	f := newTrustFixture(t, true)
	cas := []*testCA{f.caA, newCA(t, "ca-a2"), newCA(t, "ca-a3")}
	f.setStack(t, "ts_a", cas[0].der, cas[1].der, cas[2].der)
	r := newRecorder()
	h := f.create(t, "A", r)
	for i, ca := range cas {
		body := fmt.Sprintf("chained to cert %d", i+1)
		if !f.trusts(t, h, r, tlsServer(t, ca, body), body) {
			t.Errorf("a server chained to cert %d of ts_a was refused", i+1)
		}
	}
	if f.trusts(t, h, r, tlsServer(t, f.caB, "ts_b"), "ts_b") {
		t.Error("a server chained to ts_b's CA was accepted on ts_a")
	}
}

// CORE-SPEC §3.9 (3, 10): two stores live at once never share a pool.
// The second store's stream is created first, so an instance handed out
// by creation order, or a pool filled by every store, shows: each stream
// accepts a server signed for its own store and refuses one signed for
// the other.
func TestTrustStoresNeverSharePools(t *testing.T) {
	f := newTrustFixture(t, true)
	rb, ra := newRecorder(), newRecorder()
	b := f.create(t, "B", rb)
	a := f.create(t, "A", ra)
	portA, portB := tlsServer(t, f.caA, "signed for ts_a"), tlsServer(t, f.caB, "signed for ts_b")
	for _, tc := range []struct {
		stream string
		h      *Handle
		r      *recorder
		port   int
		body   string
		want   bool
	}{
		{"B (ts_b)", b, rb, portA, "signed for ts_a", false},
		{"A (ts_a)", a, ra, portB, "signed for ts_b", false},
		{"B (ts_b)", b, rb, portB, "signed for ts_b", true},
		{"A (ts_a)", a, ra, portA, "signed for ts_a", true},
	} {
		if got := f.trusts(t, tc.h, tc.r, tc.port, tc.body); got != tc.want {
			t.Errorf("stream %s, server %s: trusted %v, want %v", tc.stream, tc.body, got, tc.want)
		}
	}
	want(t, f, "ts_a", probe{1, true, 1})
	want(t, f, "ts_b", probe{1, true, 1})
}

// liveHeap is the heap the last of two forced collections found live.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// CORE-SPEC §3.7, the reason for lazy, refcounted stores: a store no
// stream uses gives its heap back. With a store of many certs, the live
// heap grows by the parsed stack while a stream holds the store and comes
// back to where it was once the last stream is destroyed. Only heap sizes
// are compared (the DER itself belongs to the policy and stays).
func TestTrustHeapReturnsAfterLastStream(t *testing.T) {
	const certs = 1000
	f := newTrustFixture(t, true)
	ders := make([][]byte, certs)
	for i := range ders {
		ders[i] = newCA(t, fmt.Sprintf("ca-a%d", i+1)).der
	}
	f.setStack(t, "ts_a", ders...)
	before := liveHeap()
	h := f.create(t, "A", newRecorder())
	held := liveHeap()
	f.destroy(t, h)
	after := liveHeap()
	t.Logf("live heap: %d B before, %d B while held, %d B after", before, held, after)
	grew := int64(held) - int64(before)
	if grew < certs*1024 {
		t.Fatalf("holding %d certs grew the live heap by %d B only: too little to tell a leak from noise", certs, grew)
	}
	if kept := int64(after) - int64(before); kept > grew/10 {
		t.Fatalf("%d B of the %d B the store took are still live after its last stream went", kept, grew)
	}
	want(t, f, "ts_a", probe{0, false, 1})
}

// CORE-SPEC §3.6, "release exactly once per successful acquire": Destroy
// on a stream already destroyed, by its user or by a callback returning
// DestroyMe, releases nothing more. The stream hears DESTROYING once, and
// the store another stream still holds stays live with its count right.
func TestTrustDestroyTwiceReleasesOnce(t *testing.T) {
	f := newTrustFixture(t, true)
	r1 := newRecorder()
	a1 := f.create(t, "A", r1)
	f.create(t, "A", newRecorder()) // A2 holds ts_a throughout
	f.destroy(t, a1)
	f.destroy(t, a1)
	want(t, f, "ts_a", probe{1, true, 1})
	if n := count(r1.seen(), StateDestroying); n != 1 {
		t.Fatalf("DESTROYING delivered %d times", n)
	}
	r3 := newRecorder()
	r3.onState = func(_ *Handle, st State) Result {
		if st == StatePoll {
			return ResultDestroyMe
		}
		return ResultOK
	}
	a3 := f.create(t, "A", r3)
	want(t, f, "ts_a", probe{2, true, 1})
	onLoop(t, f.c, func() {
		a3.RequestTx() // POLL: the callback destroys the stream
		a3.Destroy()
	})
	want(t, f, "ts_a", probe{1, true, 1})
	if n := f.count("destroyed ts_a"); n != 0 {
		t.Fatalf("ts_a destroyed %d times while A2 holds it", n)
	}
}

// CORE-SPEC §3.6 (the first defect) and §3.9 (8): a creation that CREATING
// refuses gives its reference back exactly once, whatever the callback
// did. A callback that destroys the stream itself before refusing has
// released it already; a handle kept from a refused creation and
// destroyed later has nothing left to release. Either way the store A2
// holds stays live with one reference.
func TestTrustCreatingRejectedReleasesOnce(t *testing.T) {
	f := newTrustFixture(t, true)
	f.create(t, "A", newRecorder()) // A2 holds ts_a throughout
	var kept *Handle
	for _, tc := range []struct {
		name   string
		reject func(h *Handle) Result
	}{
		{"destroyed inside CREATING", func(h *Handle) Result { h.Destroy(); return ResultDestroyMe }},
		{"refused, handle kept", func(h *Handle) Result { kept = h; return ResultDestroyMe }},
	} {
		r := newRecorder()
		r.onState = func(h *Handle, st State) Result {
			if st == StateCreating {
				return tc.reject(h)
			}
			return ResultOK
		}
		var err error
		onLoop(t, f.c, func() { _, err = f.s.Create(Info{Streamtype: "A", User: r}) })
		if err == nil {
			t.Fatalf("%s: create succeeded", tc.name)
		}
		want(t, f, "ts_a", probe{1, true, 1})
	}
	f.destroy(t, kept)
	want(t, f, "ts_a", probe{1, true, 1})
	if n := f.count("destroyed ts_a"); n != 0 {
		t.Fatalf("ts_a destroyed %d times while A2 holds it", n)
	}
}
