package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// start runs the example on a free port until the test ends.
func start(t *testing.T) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-vhost", "--port", "0", "-d", "1"}), ready)
	})
}

// sessions counts the connections the protocol knows, asked on the loop.
func sessions(c *lws.Context) int {
	n := make(chan int, 1)
	c.Do(func() {
		vhd := c.Vhosts()[0].ProtocolData(ProtocolRawTest).(*rawVhd)
		n <- len(vhd.sessions)
	})
	return <-n
}

func waitSessions(t *testing.T, c *lws.Context, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for sessions(c) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions, want %d", sessions(c), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// netcat is a running `nc host port`: its stdin and stdout.
type netcat struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startNetcat(t *testing.T, addr string) *netcat {
	t.Helper()
	nc := lwstest.RequirePeer(t, "nc")
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(nc, host, port)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return &netcat{cmd: cmd, in: in, out: bufio.NewReader(out)}
}

// readLine reads one line nc printed, within 10 s.
func (n *netcat) readLine(t *testing.T) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		l, _ := n.out.ReadString('\n')
		got <- l
	}()
	select {
	case l := <-got:
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("nc printed nothing within 10 s")
		return ""
	}
}

// Two real netcats: what one types reaches both; when one leaves, its
// connection closes and the other goes on.
func TestNetcatsShareWhatEachSends(t *testing.T) {
	c := start(t)
	addr := c.Vhosts()[0].Addr()
	a := startNetcat(t, addr)
	b := startNetcat(t, addr)
	waitSessions(t, c, 2)

	if _, err := io.WriteString(a.in, "hello from a\n"); err != nil {
		t.Fatal(err)
	}
	for name, nc := range map[string]*netcat{"a": a, "b": b} {
		if got := nc.readLine(t); got != "hello from a\n" {
			t.Fatalf("%s printed %q", name, got)
		}
	}
	_ = a.cmd.Process.Kill()
	waitSessions(t, c, 1)
	if _, err := io.WriteString(b.in, "b is alone\n"); err != nil {
		t.Fatal(err)
	}
	if got := b.readLine(t); got != "b is alone\n" {
		t.Fatalf("b printed %q", got)
	}
}

// The listener speaks no HTTP: a request is just bytes, echoed back as
// they came, and a chunk larger than lws's 4 KB buffer is not cut.
func TestNoHTTPOnTheRawListener(t *testing.T) {
	c := start(t)
	conn, err := net.Dial("tcp", c.Vhosts()[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	waitSessions(t, c, 1)
	req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + strings.Repeat("z", 6000)
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, len(req))
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != req {
		t.Fatalf("read back %d bytes (%v): %.40q", len(got), err, got)
	}
}
