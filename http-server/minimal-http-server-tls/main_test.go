package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// start runs the example and returns the port it listens on.
func start(t *testing.T, args ...string) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-http-server-tls", "--port", "0"}, args...)), ready)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	return port
}

func TestCurlNegotiatesH2(t *testing.T) {
	port := start(t)
	r := lwstest.Curl(t, "-k", "--http2", "https://localhost:"+port+"/")
	if r.Status != 200 || r.Version != "2" || !strings.Contains(r.Body, "came over TLS") {
		t.Fatalf("got %d over HTTP/%s", r.Status, r.Version)
	}
	if r := lwstest.Curl(t, "-k", "--http1.1", "https://localhost:"+port+"/"); r.Status != 200 || r.Version != "1.1" {
		t.Fatalf("h1: got %d over HTTP/%s", r.Status, r.Version)
	}
	if r := lwstest.Curl(t, "-k", "--http2", "https://localhost:"+port+"/nope"); r.Status != 404 || !strings.Contains(r.Body, "404") {
		t.Fatalf("404 over h2: %d", r.Status)
	}
}

// The certificate is the one the example carries: curl accepts it when
// told to trust it, and refuses the connection otherwise.
func TestCertificateIsTheCarriedOne(t *testing.T) {
	port := start(t)
	if r := lwstest.Curl(t, "--cacert", "localhost-100y.cert", "https://localhost:"+port+"/"); r.Status != 200 {
		t.Fatalf("with --cacert: %d", r.Status)
	}
	peer := lwstest.RequirePeer(t, "curl")
	if out, err := runCurl(peer, "https://localhost:"+port+"/"); err == nil {
		t.Fatalf("curl trusted a self-signed certificate without --cacert: %s", out)
	}
}

func TestPortFlag(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	if got := start(t, "--port", want); got != want {
		t.Fatalf("--port %s: listening on %s", want, got)
	}
}

func TestChromiumSeesH2(t *testing.T) {
	port := start(t)
	tab := lwstest.NewBrowser(t).NewTab("https://localhost:" + port + "/")
	tab.WaitFor("protocol line", func() string { return tab.Text("#proto") }, "arrived over h2", 10*time.Second)
}
