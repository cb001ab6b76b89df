package ss

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// testCA is a CA the tests make, with what it takes to sign a server cert.
type testCA struct {
	der  []byte
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t testing.TB, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{der: der, cert: cert, key: key}
}

// serverCert is a localhost / 127.0.0.1 certificate signed by the CA.
func (ca *testCA) serverCert(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// runContext starts a client-only context and services it until the test
// ends.
func runContext(t *testing.T) *lws.Context {
	t.Helper()
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("context did not stop")
		}
	})
	return c
}

// onLoop runs fn on the context's loop and waits for it, as lws code runs
// in callbacks.
func onLoop(t *testing.T, c *lws.Context, fn func()) {
	t.Helper()
	done := make(chan struct{})
	if !c.Do(func() { defer close(done); fn() }) {
		t.Fatal("context gone")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("loop did not run the function")
	}
}

// recorder is a Callbacks that records what a stream sees.
type recorder struct {
	mu      sync.Mutex
	states  []State
	rx      []byte
	rxFlags []Flags
	onState func(h *Handle, st State) Result
	tx      func(h *Handle, ord uint32, buf []byte) (int, Flags, Result)
	stateCh chan State
}

func newRecorder() *recorder { return &recorder{stateCh: make(chan State, 64)} }

func (r *recorder) Rx(h *Handle, buf []byte, flags Flags) Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rx = append(r.rx, buf...)
	r.rxFlags = append(r.rxFlags, flags)
	return ResultOK
}

func (r *recorder) Tx(h *Handle, ord uint32, buf []byte) (int, Flags, Result) {
	if r.tx != nil {
		return r.tx(h, ord, buf)
	}
	return 0, 0, ResultTxDontSend
}

func (r *recorder) State(h *Handle, st State, ack uint32) Result {
	r.mu.Lock()
	r.states = append(r.states, st)
	r.mu.Unlock()
	select {
	case r.stateCh <- st:
	default:
	}
	if r.onState != nil {
		return r.onState(h, st)
	}
	return ResultOK
}

func (r *recorder) seen() []State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]State(nil), r.states...)
}

func (r *recorder) body() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.rx...)
}

// waitState waits for st to be delivered.
func (r *recorder) waitState(t *testing.T, st State) {
	t.Helper()
	r.waitAny(t, st)
}

// waitAny waits for one of states to be delivered and says which.
func (r *recorder) waitAny(t *testing.T, states ...State) State {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case got := <-r.stateCh:
			if slices.Contains(states, got) {
				return got
			}
		case <-deadline:
			t.Fatalf("none of %v; states so far %v", states, r.seen())
			return 0
		}
	}
}

// retryClock stands in for a Streams' backoff dice and clock (CORE-SPEC
// §2.4): the jitter's random number is fixed, and every retry the backoff
// arms is handed to the test with its delay. A real clock arms the timer
// as asked; a manual one leaves it to the test to fire the retry, so the
// test decides what the peer does between two attempts.
type retryClock struct {
	armed chan armedRetry // every retry the backoff armed, in order
}

// armedRetry is one retry the backoff armed.
type armedRetry struct {
	delay time.Duration
	fire  func() // manual clock only: run the retry now
}

func newRetryClock(t *testing.T, c *lws.Context, s *Streams, rnd uint16, manual bool) *retryClock {
	t.Helper()
	rc := &retryClock{armed: make(chan armedRetry, 64)}
	onLoop(t, c, func() {
		s.retryRand = func() uint16 { return rnd }
		s.retryTimer = func(sul *lws.Sul, d time.Duration, cb func(*lws.Sul)) {
			a := armedRetry{delay: d}
			if manual {
				a.fire = func() { onLoop(t, c, func() { c.Schedule(sul, 0, cb) }) }
			} else {
				c.Schedule(sul, d, cb)
			}
			select {
			case rc.armed <- a:
			default:
				t.Error("more retries armed than the test took")
			}
		}
	})
	return rc
}

// next waits for the next retry the backoff arms.
func (rc *retryClock) next(t *testing.T) armedRetry {
	t.Helper()
	select {
	case a := <-rc.armed:
		return a
	case <-time.After(15 * time.Second):
		t.Fatal("no retry was armed")
		return armedRetry{}
	}
}
