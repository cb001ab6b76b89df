package main

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// start runs the example relaying to onward on a free port.
func start(t *testing.T, onward string) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-proxy-fallback", "--port", "0", "-r", onward, "-d", "1"}), ready)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	return port
}

// curl and a real ssh session to a real sshd on the same port: HTTP is
// served, ssh falls back to the proxy.
func TestCurlAndSSHShareThePort(t *testing.T) {
	sshPort, key := lwstest.SSHD(t)
	port := start(t, "ipv4:127.0.0.1:"+strconv.Itoa(sshPort))
	r := lwstest.Curl(t, "http://127.0.0.1:"+port+"/")
	if r.Status != 200 || !strings.Contains(r.Body, "ssh on the same port") {
		t.Fatalf("curl: %d %q", r.Status, r.Body)
	}
	if out := lwstest.SSH(t, port, key, "echo ssh through the fallback"); out != "ssh through the fallback\n" {
		t.Fatalf("ssh printed %q", out)
	}
	if out := lwstest.SSH(t, port, key, "head -c 5000000 /dev/zero | wc -c"); strings.TrimSpace(out) != "5000000" {
		t.Fatalf("ssh bulk: %q", out)
	}
	if r := lwstest.Curl(t, "http://127.0.0.1:"+port+"/"); r.Status != 200 {
		t.Fatalf("curl after ssh: %d", r.Status)
	}
}
