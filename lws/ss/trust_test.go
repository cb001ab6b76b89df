package ss

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
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
	for _, tc := range []struct {
		ca   *testCA
		good bool
	}{{f.caB, false}, {f.caA, true}} {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "trusted") }))
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{tc.ca.serverCert(t)}}
		srv.StartTLS()
		_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
		onLoop(t, f.c, func() { f.policy.Streamtype("A").Port, _ = strconv.Atoi(port) })
		r := newRecorder()
		h := f.create(t, "A", r)
		onLoop(t, f.c, h.RequestTx)
		if tc.good {
			r.waitState(t, StateQOSAckRemote)
			if string(r.body()) != "trusted" {
				t.Fatalf("body %q", r.body())
			}
		} else {
			r.waitState(t, StateAllRetriesFailed)
			if slices.Contains(r.seen(), StateConnected) {
				t.Fatalf("connected to a server outside ts_a: %v", r.seen())
			}
		}
		f.destroy(t, h)
		srv.Close()
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
