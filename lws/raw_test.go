//go:build unix

package lws

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// rawEvent is one callback a raw test protocol saw.
type rawEvent struct {
	reason Reason
	data   string
	from   string
}

// rawRecorder is a raw protocol for tests: it records every callback on
// a channel, echoes what it receives when echo is set (one write per
// writeable callback) and reads files itself on RAW_RX_FILE.
type rawRecorder struct {
	events chan rawEvent
	echo   bool
	mu     sync.Mutex
	queue  [][]byte
}

func newRawRecorder(echo bool) *rawRecorder {
	return &rawRecorder{events: make(chan rawEvent, 1024), echo: echo}
}

func (r *rawRecorder) protocol(name string) *Protocol {
	return &Protocol{Name: name, Callback: r.callback}
}

func (r *rawRecorder) callback(c *Conn, reason Reason, _ any, in []byte) error {
	ev := rawEvent{reason: reason, data: string(in)}
	switch reason {
	case ReasonRawAdopt, ReasonRawAdoptFile, ReasonRawClose, ReasonRawCloseFile:
	case ReasonRawRx:
		if src := c.UDPSource(); src.IsValid() {
			ev.from = src.String()
		}
		if r.echo {
			r.mu.Lock()
			r.queue = append(r.queue, bytes.Clone(in))
			r.mu.Unlock()
			c.CallbackOnWritable()
		}
	case ReasonRawRxFile:
		buf := make([]byte, 4096)
		n, err := syscall.Read(c.Descriptor(), buf)
		if err != nil || n == 0 {
			return fmt.Errorf("read file: %v (%d bytes)", err, n)
		}
		ev.data = string(buf[:n])
	case ReasonRawWriteable, ReasonRawWriteableFile:
		r.mu.Lock()
		var b []byte
		if len(r.queue) > 0 {
			b, r.queue = r.queue[0], r.queue[1:]
		}
		more := len(r.queue) > 0
		r.mu.Unlock()
		if b != nil {
			if _, err := c.Write(b, WriteRaw); err != nil {
				return err
			}
		}
		if more {
			c.CallbackOnWritable()
		}
	default:
		return nil
	}
	select {
	case r.events <- ev:
	default:
	}
	return nil
}

// next waits for the next event with the given reason, skipping others.
func (r *rawRecorder) next(t *testing.T, want Reason) rawEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-r.events:
			if ev.reason == want {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s within 10 s", want)
		}
	}
}

// rawContext starts a context with one listener-less vhost serving proto.
func rawContext(t *testing.T, protos ...*Protocol) *Context {
	t.Helper()
	return startContext(t, ContextInfo{VhostInfo: VhostInfo{Port: PortNoListen, Protocols: protos}})
}

// adoptOnLoop adopts fd on the context's default vhost, on the loop.
func adoptOnLoop(t *testing.T, c *Context, typ AdoptType, fd int, proto string) *Conn {
	t.Helper()
	type result struct {
		conn *Conn
		err  error
	}
	res := make(chan result, 1)
	c.Do(func() {
		conn, err := c.Vhosts()[0].AdoptDescriptor(typ, fd, proto, nil)
		res <- result{conn, err}
	})
	r := <-res
	if r.err != nil {
		t.Fatalf("adopt: %v", r.err)
	}
	return r.conn
}

// socketFD returns a descriptor of its own for a connection's socket.
func socketFD(t *testing.T, sc syscall.Conn) int {
	t.Helper()
	rc, err := sc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	fd := -1
	var derr error
	if err := rc.Control(func(s uintptr) { fd, derr = syscall.Dup(int(s)) }); err != nil || derr != nil {
		t.Fatalf("dup: %v %v", err, derr)
	}
	syscall.CloseOnExec(fd)
	return fd
}

// tcpPeers returns both ends of a loopback TCP connection.
func tcpPeers(t *testing.T) (*net.TCPConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.DialTCP("tcp", nil, ln.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.AcceptTCP()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// An adopted TCP socket: RAW_ADOPT, RAW_RX with what the peer sent, an
// echo written from RAW_WRITEABLE, RAW_CLOSE when the peer leaves.
func TestRawAdoptSocket(t *testing.T) {
	rec := newRawRecorder(true)
	c := rawContext(t, rec.protocol("raw-test"))
	client, server := tcpPeers(t)
	fd := socketFD(t, server)
	server.Close() // the adopted descriptor is the only one left
	adoptOnLoop(t, c, AdoptSocket, fd, "raw-test")
	rec.next(t, ReasonRawAdopt)
	if _, err := client.Write([]byte("hello raw")); err != nil {
		t.Fatal(err)
	}
	if ev := rec.next(t, ReasonRawRx); ev.data != "hello raw" {
		t.Fatalf("RAW_RX %q", ev.data)
	}
	buf := make([]byte, 64)
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := client.Read(buf)
	if err != nil || string(buf[:n]) != "hello raw" {
		t.Fatalf("echo: %q %v", buf[:n], err)
	}
	client.Close()
	rec.next(t, ReasonRawClose)
}

// An adopted UDP socket: each datagram is one RAW_RX with its source, a
// write answers the source, and a datagram of the largest size UDP
// carries arrives whole.
func TestRawAdoptUDP(t *testing.T) {
	rec := newRawRecorder(true)
	c := rawContext(t, rec.protocol("raw-test"))
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	fd := socketFD(t, pc)
	addr := pc.LocalAddr().(*net.UDPAddr)
	pc.Close()
	adoptOnLoop(t, c, AdoptRawSocketUDP, fd, "raw-test")
	rec.next(t, ReasonRawAdopt)
	peer, err := net.DialUDP("udp", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if _, err := peer.Write([]byte("datagram one")); err != nil {
		t.Fatal(err)
	}
	ev := rec.next(t, ReasonRawRx)
	if ev.data != "datagram one" || ev.from != peer.LocalAddr().String() {
		t.Fatalf("RAW_RX %q from %s, want from %s", ev.data, ev.from, peer.LocalAddr())
	}
	buf := make([]byte, 70000)
	_ = peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := peer.Read(buf)
	if err != nil || string(buf[:n]) != "datagram one" {
		t.Fatalf("answer: %q %v", buf[:n], err)
	}
	big := bytes.Repeat([]byte("u"), 65507)
	if _, err := peer.Write(big); err != nil {
		t.Fatal(err)
	}
	if ev := rec.next(t, ReasonRawRx); len(ev.data) != len(big) {
		t.Fatalf("largest datagram arrived as %d bytes, want %d", len(ev.data), len(big))
	}
}

// An adopted pipe read end: RAW_ADOPT_FILE, RAW_RX_FILE when data
// arrives (the protocol reads), nothing while rx flow control holds it,
// RAW_CLOSE_FILE when the writer goes away.
func TestRawAdoptFileAndFlowControl(t *testing.T) {
	rec := newRawRecorder(false)
	c := rawContext(t, rec.protocol("raw-test"))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fd, err := syscall.Dup(int(r.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	conn := adoptOnLoop(t, c, AdoptRawFileDesc, fd, "raw-test")
	rec.next(t, ReasonRawAdoptFile)
	if _, err := w.WriteString("first line\n"); err != nil {
		t.Fatal(err)
	}
	if ev := rec.next(t, ReasonRawRxFile); ev.data != "first line\n" {
		t.Fatalf("RAW_RX_FILE read %q", ev.data)
	}
	paused := make(chan struct{})
	c.Do(func() { conn.RxFlowControl(false); close(paused) })
	<-paused
	if _, err := w.WriteString("held\n"); err != nil {
		t.Fatal(err)
	}
	// Nothing may arrive while paused: give the loop a few turns.
	for range 5 {
		done := make(chan struct{})
		c.Do(func() { close(done) })
		<-done
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case ev := <-rec.events:
		t.Fatalf("%s %q arrived while rx was paused", ev.reason, ev.data)
	default:
	}
	c.Do(func() { conn.RxFlowControl(true) })
	if ev := rec.next(t, ReasonRawRxFile); ev.data != "held\n" {
		t.Fatalf("after resuming, RAW_RX_FILE read %q", ev.data)
	}
	w.Close()
	rec.next(t, ReasonRawCloseFile)
}

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// 10,000 adopt/close cycles leave no descriptor behind, on either loop.
func TestRawAdoptCloseCyclesLeakNothing(t *testing.T) {
	rec := newRawRecorder(false)
	c := rawContext(t, rec.protocol("raw-test"))
	before := openFDs(t)
	for i := range 10000 {
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		c.Do(func() {
			conn, err := c.Vhosts()[0].AdoptDescriptor(AdoptRawFileDesc, p[0], "raw-test", nil)
			if err == nil {
				conn.SetTimeout(0, TimeoutKillSync)
			}
			done <- err
		})
		if err := <-done; err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		syscall.Close(p[1])
	}
	// Let watch goroutines of the portable loop finish closing.
	deadline := time.Now().Add(10 * time.Second)
	for openFDs(t) > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if after := openFDs(t); after > before {
		t.Fatalf("%d descriptors open after 10,000 cycles, %d before", after, before)
	}
	n := 0
	for len(rec.events) > 0 {
		if ev := <-rec.events; ev.reason == ReasonRawCloseFile {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no RAW_CLOSE_FILE seen")
	}
}

// A peer that never reads: the connection gets no writeable callback
// while its last write waits, so what it holds stays one write's worth.
func TestRawPeerThatNeverReadsIsBounded(t *testing.T) {
	const chunk = 256 << 10
	var writes, held int
	var mu sync.Mutex
	proto := &Protocol{Name: "flood", Callback: func(c *Conn, reason Reason, _ any, in []byte) error {
		switch reason {
		case ReasonRawAdopt:
			c.CallbackOnWritable()
		case ReasonRawWriteable:
			if _, err := c.Write(bytes.Repeat([]byte("x"), chunk), WriteRaw); err != nil {
				return err
			}
			mu.Lock()
			writes++
			held = len(c.desc.out)
			mu.Unlock()
			c.CallbackOnWritable()
		}
		return nil
	}}
	c := rawContext(t, proto)
	client, server := tcpPeers(t)
	fd := socketFD(t, server)
	server.Close()
	adoptOnLoop(t, c, AdoptSocket, fd, "flood")
	_ = client // never read
	var last int
	for range 50 {
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		last = writes
		mu.Unlock()
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if writes != last {
		t.Fatalf("writeable callbacks went on (%d, then %d) although the peer reads nothing", last, writes)
	}
	if held > chunk {
		t.Fatalf("%d bytes held for a peer that never reads, more than one write", held)
	}
	t.Logf("%d writes of %d KB before the socket filled; %d bytes held", writes, chunk>>10, held)
}

// An adoption for a protocol the vhost does not have is refused, and the
// descriptor is closed rather than leaked.
func TestRawAdoptUnknownProtocol(t *testing.T) {
	c := rawContext(t, newRawRecorder(false).protocol("raw-test"))
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(p[1])
	res := make(chan error, 1)
	c.Do(func() {
		_, err := c.Vhosts()[0].AdoptDescriptor(AdoptRawFileDesc, p[0], "nope", nil)
		res <- err
	})
	err := <-res
	if err == nil || !strings.Contains(err.Error(), `no protocol "nope"`) {
		t.Fatalf("adopting for an unknown protocol: %v", err)
	}
	if _, err := unix.FcntlInt(uintptr(p[0]), unix.F_GETFD, 0); err != unix.EBADF {
		t.Fatalf("the refused descriptor was left open (F_GETFD: %v)", err)
	}
}

// A raw-only listener (LWS_SERVER_OPTION_ONLY_RAW): every accepted socket
// is a raw-skt connection of the listen-accept protocol; no HTTP is
// spoken on it.
func TestRawOnlyListener(t *testing.T) {
	rec := newRawRecorder(true)
	other := newRawRecorder(false)
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{
		Protocols:            []*Protocol{other.protocol("first"), rec.protocol("raw-test")},
		Options:              OptionOnlyRaw,
		ListenAcceptProtocol: "raw-test",
	}})
	nc, err := net.Dial("tcp", c.Vhosts()[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	rec.next(t, ReasonRawAdopt)
	if _, err := nc.Write([]byte("GET / HTTP/1.1\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if ev := rec.next(t, ReasonRawRx); ev.data != "GET / HTTP/1.1\r\n\r\n" {
		t.Fatalf("RAW_RX %q", ev.data)
	}
	buf := make([]byte, 64)
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := nc.Read(buf)
	if err != nil || string(buf[:n]) != "GET / HTTP/1.1\r\n\r\n" {
		t.Fatalf("echo %q %v: an HTTP server answered instead?", buf[:n], err)
	}
	nc.Close()
	rec.next(t, ReasonRawClose)
	if len(other.events) != 0 {
		t.Fatal("the vhost's first protocol got the connection, not ListenAcceptProtocol")
	}
}

// CreateAdoptUDP binds a socket of its own (lws_create_adopt_udp with
// LWS_CAUDP_BIND), and a second one without the flag aims its writes at
// the first: a datagram goes across with its source.
func TestCreateAdoptUDP(t *testing.T) {
	rec := newRawRecorder(false)
	senderAddr := make(chan string, 1)
	sender := &Protocol{Name: "sender", Callback: func(c *Conn, reason Reason, _ any, _ []byte) error {
		if reason == ReasonRawWriteable {
			senderAddr <- c.LocalAddr().String()
			_, err := c.Write([]byte("from the unbound socket"), WriteRaw)
			return err
		}
		return nil
	}}
	c := rawContext(t, rec.protocol("raw-test"), sender)
	type result struct {
		conn *Conn
		err  error
	}
	res := make(chan result, 1)
	c.Do(func() {
		conn, err := c.Vhosts()[0].CreateAdoptUDP("127.0.0.1", 0, CAUDPBind, "raw-test")
		res <- result{conn, err}
	})
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	port := make(chan int, 1)
	c.Do(func() { port <- int(r.conn.LocalAddr().Port()) })
	p := <-port
	if p == 0 {
		t.Fatal("the bound socket has no port")
	}
	c.Do(func() {
		conn, err := c.Vhosts()[0].CreateAdoptUDP("127.0.0.1", p, 0, "sender")
		if err == nil {
			conn.CallbackOnWritable()
		}
		res <- result{conn, err}
	})
	if r := <-res; r.err != nil {
		t.Fatal(r.err)
	}
	ev := rec.next(t, ReasonRawRx)
	from := <-senderAddr
	_, fromPort, _ := net.SplitHostPort(from)
	if ev.data != "from the unbound socket" || !strings.HasSuffix(ev.from, ":"+fromPort) {
		t.Fatalf("RAW_RX %q from %s; the sender is %s", ev.data, ev.from, from)
	}
}

// A tty whose other side hangs up closes its raw-file connection, even
// when the protocol does not notice (it reads nothing and says nothing).
func TestRawFileTTYHangUp(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	got := make(chan Reason, 64)
	proto := &Protocol{Name: "quiet", Callback: func(c *Conn, reason Reason, _ any, _ []byte) error {
		switch reason {
		case ReasonRawRxFile:
			buf := make([]byte, 64)
			_, _ = syscall.Read(c.Descriptor(), buf) // whatever it says
		case ReasonRawCloseFile:
		default:
			return nil
		}
		select {
		case got <- reason:
		default:
		}
		return nil
	}}
	c := rawContext(t, proto)
	fd, err := syscall.Dup(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	tty.Close()
	adoptOnLoop(t, c, AdoptRawFileDesc, fd, "quiet")
	master.Close()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case r := <-got:
			if r == ReasonRawCloseFile {
				return
			}
		case <-deadline:
			t.Fatal("the hung-up tty was never closed")
		}
	}
}

// LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG: one port
// serves HTTP, and a connection whose first bytes are not an HTTP request
// (an ssh banner, a line of text) becomes raw-skt with those bytes as its
// first RAW_RX. A request trickled byte by byte is still HTTP.
func TestRawFallbackFromHTTP(t *testing.T) {
	rec := newRawRecorder(true)
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{
		Protocols: []*Protocol{{Name: "http", Callback: HTTPDummy}, rec.protocol("raw-echo")},
		Mounts: []Mount{{Mountpoint: "/", OriginFS: fstest.MapFS{"index.html": {Data: []byte("<html>http here</html>")}},
			Def: "index.html", OriginProtocol: OriginFile}},
		Options:              OptionFallbackToRaw,
		ListenAcceptProtocol: "raw-echo",
	}})
	addr := c.Vhosts()[0].Addr()
	if resp, body := httpGet(t, "http://"+addr+"/"); resp.StatusCode != 200 || body != "<html>http here</html>" {
		t.Fatalf("HTTP on the fallback port: %d %q", resp.StatusCode, body)
	}
	for _, first := range []string{"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", "hello raw\n", "x"} {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nc.Write([]byte(first)); err != nil {
			t.Fatal(err)
		}
		if ev := rec.next(t, ReasonRawRx); ev.data != first {
			t.Fatalf("first RAW_RX %q, want %q", ev.data, first)
		}
		buf := make([]byte, len(first))
		_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadFull(nc, buf); err != nil || string(buf) != first {
			t.Fatalf("echo %q %v", buf, err)
		}
		nc.Close()
		rec.next(t, ReasonRawClose)
	}
	// A request that trickles in stays HTTP.
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for _, piece := range []string{"G", "E", "T", " / HTTP/1.1\r\nHost: x\r\n\r\n"} {
		if _, err := nc.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(nc).ReadString('\n')
	if err != nil || line != "HTTP/1.1 200 OK\r\n" {
		t.Fatalf("trickled request: %q %v", line, err)
	}
}
