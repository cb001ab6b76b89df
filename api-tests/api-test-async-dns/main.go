// Command api-test-async-dns is lws's api-test-async-dns in Go. First
// lws's address literal vectors: IPv4 and IPv6 text parsed to bytes and
// printed back (zero compression, IPv4-mapped, invalid input), on
// net/netip, and lws's MAC address vectors on net.ParseMAC. Then lws's
// names looked up one after another through the core's asyncdns (lws's
// async DNS: net.Resolver off the loop, results on the loop, lws's cache):
// A and AAAA records, a repeat answered from the cache, a name that must
// not exist, localhost, an answer with a record that is not an address,
// CNAME chains with and without an address at the end.
//
// lws's test asks 8.8.8.8; this one starts a DNS server on this machine
// (dnsserver.go, github.com/miekg/dns) that answers lws's names as the
// public DNS did when lws's vectors were written, or asks the one -s names.
// It prints "Completed: ALL PASS: <ok> / <expected>" and exits 0, or
// "Completed: PASS: <ok> / <expected>, FAIL: <n>" and exits 1.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/asyncdns"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws's: -s a DNS server to use instead of the local one.
var switches = cmdline.Switches{
	{Name: "-s", Kind: cmdline.String, Arg: "host:port", Help: "DNS server to ask (default: one started on 127.0.0.1 answering lws's names)"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// testTimeout is lws's: the whole test is over by then.
var testTimeout = 45 * time.Second

var errFail = errors.New("api-test-async-dns: FAIL")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: Async DNS")

	server := o.String("-s")
	var srv *dnsServer
	if server == "" {
		var err error
		if srv, err = startDNS(answerZone); err != nil {
			return fmt.Errorf("dns server: %w", err)
		}
		defer srv.stop()
		server = srv.Addr
	}
	logs.Noticef(log, "DNS server %s", server)

	ok, fail := literalTests(log)
	exp := ok + fail

	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	r := asyncdns.New(c, asyncdns.Options{Servers: []string{server}, Timeout: 5 * time.Second})
	t := &dnsTests{r: r, log: log}
	runCtx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	t.done = cancel
	c.Do(t.next) // kick off the first query once the loop runs
	if err := c.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if t.idx < len(adt) {
		logs.Errf(log, "timed out at dns test %d", t.idx+1)
		t.fail += len(adt) - t.idx
	}
	// the repeat of a name was answered from the cache, not asked again
	if srv != nil && srv.Queries("ml.warmcat.com", "A") != 1 {
		logs.Errf(log, "ml.warmcat.com was asked %d times, the cache should answer the repeat", srv.Queries("ml.warmcat.com", "A"))
		t.fail++
	}
	ok, fail, exp = ok+t.ok, fail+t.fail, exp+len(adt)
	if fail != 0 || ok != exp {
		logs.Userf(log, "Completed: PASS: %d / %d, FAIL: %d", ok, exp, fail)
		return errFail
	}
	logs.Userf(log, "Completed: ALL PASS: %d / %d", ok, exp)
	return nil
}

// literalTests are lws's parse and print tests; MAC failures count as
// failures only, as in lws.
func literalTests(log *slog.Logger) (ok, fail int) {
	for _, t := range ipt {
		a, err := netip.ParseAddr(t.test)
		if t.rlen < 0 {
			if err == nil {
				logs.Errf(log, "fail %s parsed", t.test)
				fail++
				continue
			}
			ok++
			continue
		}
		if err != nil || a.BitLen()/8 != t.rlen || !bytes.Equal(a.AsSlice(), t.b) {
			logs.Errf(log, "fail %s: %v %x", t.test, err, a.AsSlice())
			fail++
			continue
		}
		ok++
	}
	for _, t := range ipt {
		if t.rlen < 0 {
			continue // lws does not print the ones meant to fail
		}
		a, _ := netip.AddrFromSlice(t.b)
		if s := a.String(); s != t.emitTest {
			logs.Errf(log, "fail %s printed as %s", t.emitTest, s)
			fail++
			continue
		}
		ok++
	}
	for i, m := range macs {
		hw, err := net.ParseMAC(m.in)
		if (err == nil) != m.ok || (m.ok && !bytes.Equal(hw, m.b)) {
			logs.Errf(log, "mac fail %d: %s %v", i+1, hw, err)
			fail++
		}
	}
	return ok, fail
}

// dnsTests runs adt one query at a time, each started from the previous
// one's callback, on the loop.
type dnsTests struct {
	r        *asyncdns.Resolver
	log      *slog.Logger
	idx      int
	ok, fail int
	done     func()
}

func (t *dnsTests) next() {
	if t.idx == len(adt) {
		t.done()
		return
	}
	d := adt[t.idx]
	t.r.Query(d.name, d.qt, func(name string, addrs []netip.Addr, err error) {
		if t.check(addrs, err) {
			t.ok++
		} else {
			logs.Errf(t.log, "dns test %d (%s %s): no match: %v %v", t.idx+1, d.qt, name, addrs, err)
			logs.Userf(t.log, "*** SUBTEST FAILED")
			t.fail++
		}
		t.idx++
		t.next()
	})
}

// check is lws's cb1: an expected address among the results, any when
// noCheck, or no results when none is expected.
func (t *dnsTests) check(addrs []netip.Addr, err error) bool {
	d := adt[t.idx]
	if !d.want.IsValid() {
		return errors.Is(err, asyncdns.ErrNXDomain) && len(addrs) == 0
	}
	if err != nil || len(addrs) == 0 {
		return false
	}
	if d.noCheck {
		return d.qt == asyncdns.A && addrs[0].Is4() || d.qt == asyncdns.AAAA && addrs[0].Is6()
	}
	return slices.Contains(addrs, d.want)
}
