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
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-proxy", "--port", "0", "-r", onward, "-d", "1"}), ready)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	return port
}

// A real ssh session to a real sshd, through the proxy: a command runs,
// and 20 MB come back intact in size.
func TestSSHThroughTheProxy(t *testing.T) {
	sshPort, key := lwstest.SSHD(t)
	port := start(t, "ipv4:127.0.0.1:"+strconv.Itoa(sshPort))
	if out := lwstest.SSH(t, port, key, "echo through the proxy"); out != "through the proxy\n" {
		t.Fatalf("ssh printed %q", out)
	}
	if out := lwstest.SSH(t, port, key, "head -c 20000000 /dev/zero | wc -c"); strings.TrimSpace(out) != "20000000" {
		t.Fatalf("ssh bulk: %q", out)
	}
}
