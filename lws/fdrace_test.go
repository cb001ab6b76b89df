//go:build linux

package lws

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (*net.TCPConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return server.(*net.TCPConn), client.(*net.TCPConn)
}

// A write that fails on the flusher goroutine leaves the socket open and
// tells the loop, which takes it off the poller before closing it: the
// flusher closing it itself let the kernel hand the number to a new
// connection that the old one's later removal then took off epoll.
func TestFlusherWriteErrorLeavesSocketToLoop(t *testing.T) {
	server, client := tcpPair(t)
	nb, err := newNBConn(server)
	if err != nil {
		t.Fatal(err)
	}
	failed := make(chan error, 1)
	nb.enterLoopMode(func() {}, func(err error) { failed <- err }, func(fn func()) bool { go fn(); return true })
	_ = client.SetLinger(0)
	client.Close() // a reset: the next writes fail
	chunk := make([]byte, 64<<10)
	var werr error
	for i := 0; i < 1000 && werr == nil; i++ {
		_, werr = nb.Write(chunk)
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-failed:
		t.Logf("flusher failed: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the flusher's write error never reached the loop")
	}
	if err := nb.raw.Control(func(uintptr) {}); err != nil {
		t.Fatalf("the flusher closed the socket itself (%v): the loop may still watch its descriptor", err)
	}
	nb.closeAfterFlush(time.Second, nil)
	if err := nb.raw.Control(func(uintptr) {}); err == nil {
		t.Fatal("closing from the loop left the socket open")
	}
}

// Removing a connection whose descriptor number now belongs to another
// watched connection leaves the other one watched.
func TestPollerRemoveSparesReusedDescriptor(t *testing.T) {
	p, err := newEpollLoop(&Context{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	a, _ := tcpPair(t)
	fdA := dupFD(t, a)
	old := &wsConn{fd: int32(fdA)}
	if err := p.add(old, pollEvents); err != nil {
		t.Fatal(err)
	}
	syscall.Close(fdA) // closed behind the poller's back
	// The kernel gives the number to a new connection.
	b, _ := tcpPair(t)
	f, err := b.File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fdB := fdA
	if err := syscall.Dup3(int(f.Fd()), fdB, syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fdB)
	fresh := &wsConn{fd: int32(fdB)}
	if err := p.add(fresh, pollEvents); err != nil {
		t.Fatal(err)
	}
	p.remove(old)
	if err := p.modify(fresh, pollEvents); errors.Is(err, syscall.ENOENT) {
		t.Fatal("removing the old connection took the new one off epoll: it would never be read again")
	}
	if p.byFD[fdB] != pollable(fresh) {
		t.Fatal("removing the old connection forgot the new one")
	}
}

// dupFD returns a descriptor of its own for c's socket.
func dupFD(t *testing.T, c *net.TCPConn) int {
	t.Helper()
	f, err := c.File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	return fd
}
