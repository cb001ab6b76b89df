package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/asyncdns"
)

func runTest(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var l bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"api-test"}, args...)), &l)
	return l.String(), err
}

func TestPass(t *testing.T) {
	defer goleak.VerifyNone(t)
	log, err := runTest(t)
	if err != nil || !strings.Contains(log, "Completed: ALL PASS: 36 / 36") {
		t.Fatalf("%v\n%s", err, log)
	}
}

// A changed expectation of each kind fails the run.
func TestFailsWhenAnExpectationIsWrong(t *testing.T) {
	for name, brk := range map[string]func() func(){
		"address": func() func() {
			saved := adt[5].want
			adt[5].want = netip.MustParseAddr("212.83.179.62")
			return func() { adt[5].want = saved }
		},
		"nxdomain found": func() func() {
			saved := adt[3].want
			adt[3].want = netip.MustParseAddr("1.2.3.4")
			return func() { adt[3].want = saved }
		},
		"printing": func() func() {
			saved := ipt[0].emitTest
			ipt[0].emitTest = "2001:db8:85a3:0:0:8a2e:370:7334"
			return func() { ipt[0].emitTest = saved }
		},
		"mac": func() func() {
			macs[1].ok = true
			return func() { macs[1].ok = false }
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer brk()()
			log, err := runTest(t)
			if !errors.Is(err, errFail) || !strings.Contains(log, "Completed: PASS: ") || !strings.Contains(log, "FAIL: 1") {
				t.Fatalf("a wrong expectation passed: %v\n%s", err, log)
			}
		})
	}
}

// startLoop runs a context for resolver tests; stop ends it.
func startLoop(t *testing.T) (c *lws.Context, stop func()) {
	t.Helper()
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	return c, func() { cancel(); <-done }
}

type result struct {
	addrs []netip.Addr
	err   error
}

func query(r *asyncdns.Resolver, name string) <-chan result {
	ch := make(chan result, 1)
	r.Query(name, asyncdns.A, func(_ string, a []netip.Addr, err error) { ch <- result{a, err} })
	return ch
}

// A server that answers garbage, or never answers, ends the query with
// lws's timeout error within the query's bound (Go's resolver ignores
// malformed UDP answers as possible forgeries and keeps waiting).
func TestBrokenServers(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, mode := range []dnsMode{answerGarbage, answerNever} {
		srv, err := startDNS(mode)
		if err != nil {
			t.Fatal(err)
		}
		c, stop := startLoop(t)
		r := asyncdns.New(c, asyncdns.Options{Servers: []string{srv.Addr}, Timeout: 500 * time.Millisecond})
		res := <-query(r, "ml.warmcat.com")
		if !errors.Is(res.err, asyncdns.ErrTimeout) || len(res.addrs) != 0 {
			t.Errorf("mode %d: %v %v, want ErrTimeout", mode, res.addrs, res.err)
		}
		if srv.Queries("ml.warmcat.com", "A") == 0 {
			t.Errorf("mode %d: the server was never asked", mode)
		}
		// a failure is not cached: the next query asks again
		<-query(r, "ml.warmcat.com")
		if q, _ := r.Stats(); q != 2 {
			t.Errorf("mode %d: %d lookups, want 2", mode, q)
		}
		stop()
		srv.stop()
	}
}

// Queries in flight are bounded: past MaxInFlight they are refused at
// once with ErrBusy; the cache is bounded too.
func TestBounds(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv, err := startDNS(answerNever)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	c, stop := startLoop(t)
	defer stop()
	r := asyncdns.New(c, asyncdns.Options{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond, MaxInFlight: 2})
	a, b := query(r, "a.example"), query(r, "b.example")
	if res := <-query(r, "c.example"); !errors.Is(res.err, asyncdns.ErrBusy) {
		t.Fatalf("third query: %v, want ErrBusy", res.err)
	}
	<-a
	<-b

	zoneSrv, err := startDNS(answerZone)
	if err != nil {
		t.Fatal(err)
	}
	defer zoneSrv.stop()
	r = asyncdns.New(c, asyncdns.Options{Servers: []string{zoneSrv.Addr}, MaxCache: 4})
	for i := range 10 {
		<-query(r, string(rune('a'+i))+".nowhere.example")
	}
	if n := r.CacheLen(); n > 4 {
		t.Fatalf("cache holds %d results, bound is 4", n)
	}
}

// BenchmarkLookups compares lookups through the loop (asyncdns, cache
// off) with plain net.Resolver calls, 32 at a time, against the same
// local DNS server. Every lookup is of a different name, so neither side
// can fold concurrent identical lookups into one (net.Resolver would).
func BenchmarkLookups(b *testing.B) {
	srv, err := startDNS(answerZone)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.stop()
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	defer func() { cancel(); <-done }()
	const batch = 32

	b.Run("asyncdns-on-loop", func(b *testing.B) {
		r := asyncdns.New(c, asyncdns.Options{Servers: []string{srv.Addr}, CacheTTL: -1})
		got := make(chan error, batch)
		n := 0
		for b.Loop() {
			base := n
			n += batch
			c.Do(func() {
				for i := range batch {
					r.Query(benchName(base+i), asyncdns.A, func(_ string, _ []netip.Addr, err error) { got <- err })
				}
			})
			for range batch {
				if err := <-got; err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Run("net.Resolver", func(b *testing.B) {
		r := asyncdns.New(c, asyncdns.Options{Servers: []string{srv.Addr}}) // only for its dialer
		nr := resolverOf(r, srv.Addr)
		got := make(chan error, batch)
		n := 0
		for b.Loop() {
			for range batch {
				name := benchName(n)
				n++
				go func() {
					_, err := nr.LookupNetIP(context.Background(), "ip4", name)
					got <- err
				}()
			}
			for range batch {
				if err := <-got; err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "lookups/s")
	})
}

// resolverOf is a plain net.Resolver aimed at addr, as asyncdns builds it.
func resolverOf(_ *asyncdns.Resolver, addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

func benchName(i int) string { return "n" + strconv.Itoa(i) + ".bench.example" }
