package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// start runs the example on a free UDP port and returns its address.
func start(t *testing.T) string {
	t.Helper()
	type up struct {
		c   *lws.Context
		udp *lws.Conn
	}
	u := lwstest.Start(t, func(ctx context.Context, ready func(up)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-adopt-udp", "--port", "0", "-d", "1"}),
			func(c *lws.Context, udp *lws.Conn) { ready(up{c, udp}) })
	})
	port := make(chan int, 1)
	u.c.Do(func() { port <- int(u.udp.LocalAddr().Port()) })
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(<-port))
}

// A real `nc -u`: the line it sends comes back to it.
func TestNetcatUDPGetsItsDatagramBack(t *testing.T) {
	addr := start(t)
	nc := lwstest.RequirePeer(t, "nc")
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(nc, "-u", host, port)
	cmd.Stdin = bytes.NewBufferString("hello over udp\n")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if l != "hello over udp\n" {
			t.Fatalf("nc printed %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nc got nothing back within 10 s")
	}
}

// Each datagram goes back to its own source, and one of the largest size
// UDP carries comes back whole.
func TestEachSourceGetsItsOwnDatagram(t *testing.T) {
	addr := start(t)
	ua, _ := net.ResolveUDPAddr("udp", addr)
	for i, payload := range [][]byte{[]byte("first peer"), []byte("second peer"), bytes.Repeat([]byte{0xa5}, 65507)} {
		peer, err := net.DialUDP("udp", nil, ua)
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		if _, err := peer.Write(payload); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 70000)
		_ = peer.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := peer.Read(buf)
		if err != nil || !bytes.Equal(buf[:n], payload) {
			t.Fatalf("peer %d: %d bytes back (%v), want its own %d", i, n, err, len(payload))
		}
	}
}
