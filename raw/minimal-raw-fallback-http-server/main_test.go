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
func start(t *testing.T) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-fallback-http-server", "--port", "0", "-d", "1"}), ready)
	})
	return c.Vhosts()[0].Addr()
}

// curl and nc on the same port at the same time: curl gets the page and
// the 404 document over HTTP, nc's lines come back from raw-echo.
func TestCurlAndNetcatShareThePort(t *testing.T) {
	addr := start(t)
	ncPath := lwstest.RequirePeer(t, "nc")
	host, port, _ := net.SplitHostPort(addr)
	nc := exec.Command(ncPath, host, port)
	in, err := nc.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := nc.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Process.Kill(); _ = nc.Wait() })
	lines := bufio.NewReader(out)
	readLine := func() string {
		t.Helper()
		got := make(chan string, 1)
		go func() {
			l, _ := lines.ReadString('\n')
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
	if _, err := io.WriteString(in, "not http at all\n"); err != nil {
		t.Fatal(err)
	}
	if got := readLine(); got != "not http at all\n" {
		t.Fatalf("nc printed %q", got)
	}

	// While nc's raw connection is open, curl on the same port.
	r := lwstest.Curl(t, "http://"+addr+"/")
	if r.Status != 200 || !strings.Contains(r.Body, "HTTP and raw on one port") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("curl /: %d %q %v", r.Status, r.Body, r.Header)
	}
	r = lwstest.Curl(t, "http://"+addr+"/nope")
	if r.Status != 404 || !strings.Contains(r.Body, "Nothing here") {
		t.Fatalf("curl /nope: %d %q", r.Status, r.Body)
	}

	// nc's connection is still raw: a line that looks like HTTP now is
	// just bytes to echo.
	if _, err := io.WriteString(in, "GET / HTTP/1.1\n"); err != nil {
		t.Fatal(err)
	}
	if got := readLine(); got != "GET / HTTP/1.1\n" {
		t.Fatalf("nc printed %q", got)
	}
}

// An ssh client's banner is not HTTP: the connection falls back, and the
// banner is the first thing raw-echo gets (and echoes).
func TestSSHBannerFallsBack(t *testing.T) {
	addr := start(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	banner := "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
	if _, err := io.WriteString(conn, banner); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, len(banner))
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != banner {
		t.Fatalf("echo %q %v", got, err)
	}
}
