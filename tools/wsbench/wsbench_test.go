package main

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestWrkRate(t *testing.T) {
	out := `Running 5s test @ http://127.0.0.1:7681/index.html
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.71ms    1.09ms  21.60ms   87.06%
  192556 requests in 5.00s, 250.55MB read
Requests/sec:  38511.21
Transfer/sec:     50.10MB
`
	got, err := wrkRate([]byte(out))
	if err != nil || got != 38511.21 {
		t.Fatalf("got %v, %v", got, err)
	}
	// A run with errors must not produce a figure.
	bad := strings.Replace(out, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1)
	if _, err := wrkRate([]byte(bad)); err == nil {
		t.Fatal("a run with non-2xx answers was accepted")
	}
	if _, err := wrkRate([]byte("garbage")); err == nil {
		t.Fatal("output without a rate was accepted")
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{5}, 5}, {[]float64{9, 1, 5, 7, 3}, 5}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	in := []float64{3, 1, 2}
	median(in)
	if in[0] != 3 {
		t.Fatal("median reordered its input")
	}
}

func TestStamp(t *testing.T) {
	a, b := stamp("a", 7, 300), stamp("b", 9, 300)
	if len(a) != 300 {
		t.Fatalf("stamp is %d bytes, want 300", len(a))
	}
	if src, seq, ok := parseStamp(a); !ok || src != "a" || seq != 7 {
		t.Fatalf("parseStamp: %q %d %v", src, seq, ok)
	}
	// One connection's start with another's end, or a message cut short,
	// is refused.
	glued := append(append([]byte(nil), a[:150]...), b[150:]...)
	for _, bad := range [][]byte{glued, a[:200], []byte("hello"), nil} {
		if _, _, ok := parseStamp(bad); ok {
			t.Errorf("parseStamp accepted %.40q", bad)
		}
	}
	// Sources' sequences only grow; a chat may skip.
	c := newChecker(kindChat)
	for _, m := range [][]byte{stamp("a", 1, 50), stamp("b", 1, 50), stamp("a", 3, 50)} {
		if !c.check(m) {
			t.Fatalf("refused %q", m)
		}
	}
	if c.check(stamp("a", 3, 50)) || c.check(stamp("a", 2, 50)) {
		t.Fatal("a repeated or older message was accepted")
	}
	f := newChecker(kindFeed)
	if !f.check([]byte("myconfig: tid: 0, msg: 1")) || !f.check([]byte("myconfig: tid: 1, msg: 0")) || f.check([]byte("myconfig: tid: 0, msg: 1")) {
		t.Fatal("feed checker")
	}
	n := newChecker(kindCounter)
	if !n.check([]byte("5")) || !n.check([]byte("6")) || n.check([]byte("6")) || n.check([]byte("x")) {
		t.Fatal("counter checker")
	}
}

func TestMaskedFrame(t *testing.T) {
	for _, size := range []int{0, 125, 126, 65535, 65536} {
		payload := bytes.Repeat([]byte{'z'}, size)
		f := maskedFrame(true, true, 2, payload)
		if f[0] != 0xc2 || f[1]&0x80 == 0 {
			t.Fatalf("size %d: header % x", size, f[:2])
		}
		var hlen, n int
		switch l := int(f[1] & 0x7f); l {
		case 126:
			hlen, n = 4, int(binary.BigEndian.Uint16(f[2:]))
		case 127:
			hlen, n = 10, int(binary.BigEndian.Uint64(f[2:]))
		default:
			hlen, n = 2, l
		}
		if n != size || len(f) != hlen+4+size {
			t.Fatalf("size %d: length %d, frame %d bytes", size, n, len(f))
		}
		mask := f[hlen : hlen+4]
		for i, b := range f[hlen+4:] {
			if b^mask[i%4] != 'z' {
				t.Fatalf("size %d: byte %d not masked right", size, i)
			}
		}
	}
}

// The bomb is what a permessage-deflate receiver inflates: the payload
// with 00 00 ff ff put back.
func TestBombInflates(t *testing.T) {
	p, err := bombPayload(4)
	if err != nil {
		t.Fatal(err)
	}
	r := flate.NewReader(io.MultiReader(bytes.NewReader(p), bytes.NewReader([]byte{0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff})))
	n, err := io.Copy(io.Discard, r)
	if err != nil || n != 4<<20 {
		t.Fatalf("inflated %d bytes (%v), want %d", n, err, 4<<20)
	}
	if len(p) > 8<<10 {
		t.Fatalf("4 MB of zeros took %d bytes", len(p))
	}
}

func TestExpand(t *testing.T) {
	ts, err := expand("minimal-ws-server,minimal-ws-server-echo", "both")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range ts {
		got = append(got, x.label())
	}
	if strings.Join(got, ";") != "minimal-ws-server;minimal-ws-server (wss);minimal-ws-server-echo" {
		t.Fatalf("got %q", got)
	}
	if ts, _ := expand("all", "tls"); len(ts) != 3 {
		t.Fatalf("wss targets: %d, want 3 (minimal-ws-server, -timer, test-server)", len(ts))
	}
	if _, err := expand("nope", "both"); err == nil {
		t.Fatal("an unknown target was accepted")
	}
}

// A tiny version of every attack against minimal-ws-server-echo: the
// tool works (the server builds and starts, each attack runs with the
// well-behaved clients and the sampler). The verdicts judge the core and
// are logged, not asserted, except that no echo may reach another
// connection. It builds and runs a server: skipped with -short unless
// CI=true.
func TestAttacksRun(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds and attacks a server; runs without -short or with CI=true")
	}
	fs := flag.NewFlagSet("attack", flag.ContinueOnError)
	cfg := attackFlags(fs)
	cfg.root, cfg.targets, cfg.build = "../..", "minimal-ws-server-echo", "plain"
	cfg.n, cfg.conc, cfg.warmup, cfg.warmSettle = 300, 4, 50, 300*time.Millisecond
	cfg.stormDur, cfg.attackers, cfg.attackMsgs, cfg.attackSize = 2*time.Second, 4, 4, 2048
	cfg.floodDur, cfg.bombMB, cfg.bombWait = time.Second, 16, 2*time.Second
	cfg.settle, cfg.answerTimeout, cfg.pingEvery = 3*time.Second, 2*time.Second, 50*time.Millisecond
	var out bytes.Buffer
	results, err := runAttacks(cfg, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(attackNames) {
		t.Fatalf("%d runs, want %d", len(results), len(attackNames))
	}
	for i, r := range results {
		if r.attack != attackNames[i] || r.setupErr != "" || r.out.skip != "" {
			t.Errorf("%s: setup %q, skipped %q", r.attack, r.setupErr, r.out.skip)
			continue
		}
		if r.base.rssKB == 0 || r.base.fds == 0 || r.base.threads == 0 || r.peak.rssKB < r.base.rssKB {
			t.Errorf("%s: samples %+v, peak %+v", r.attack, r.base, r.peak)
		}
		if r.obs.pings.Load() == 0 || r.obs.echoes.Load() == 0 || r.out.detail == "" || r.out.errs > 0 {
			t.Errorf("%s: %d pings, %d echoes, %q, %d attack errors (%s)", r.attack, r.obs.pings.Load(), r.obs.echoes.Load(), r.out.detail, r.out.errs, r.out.err)
		}
		if n := r.obs.wrong.Load(); n > 0 {
			t.Errorf("%s: %d echoes reached the wrong connection", r.attack, n)
		}
	}
}
