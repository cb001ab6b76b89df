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

// start runs the example unprivileged: both ports chosen by the system.
func start(t *testing.T) (httpBase, tlsPort string) {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-http-server-tls-80", "--port", "0", "--tls-port", "0"}), new(lwstest.LogBuffer), ready)
	})
	_, tlsPort, _ = net.SplitHostPort(c.VhostByName("localhost").Addr())
	_, hp, _ := net.SplitHostPort(c.VhostByName("localhost80").Addr())
	return "http://localhost:" + hp, tlsPort
}

// Everything asked of the http vhost is redirected to the same path and
// query over https, which serves it.
func TestRedirectsEverythingToHTTPS(t *testing.T) {
	base, tp := start(t)
	https := "https://localhost:" + tp
	for path, want := range map[string]string{
		"/":                     https + "/",
		"/index.html":           https + "/index.html",
		"/a/b?x=1&y=%20":        https + "/a/b?x=1&y=%20",
		"/no-such-page.html":    https + "/no-such-page.html",
		"/sp%20ace/%E2%82%AC":   https + "/sp%20ace/%E2%82%AC",
		"//evil.example/path":   https + "/evil.example/path",    // the host stays ours
		"/crlf%0d%0aSet-Cookie": https + "/crlf%0d%0aSet-Cookie", // still escaped
	} {
		r := lwstest.Curl(t, "--path-as-is", base+path)
		if r.Status != 301 || r.Header.Get("Location") != want {
			t.Errorf("%s: %d %q, want %q", path, r.Status, r.Header.Get("Location"), want)
		}
		if r.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: a header was injected", path)
		}
	}
	// POST and HEAD are redirected too.
	if r := lwstest.Curl(t, "-I", base+"/x"); r.Status != 301 {
		t.Fatalf("HEAD: %d", r.Status)
	}
	if r := lwstest.Curl(t, "-d", "a=b", base+"/x"); r.Status != 301 {
		t.Fatalf("POST: %d", r.Status)
	}
	// Following the redirect, with the certificate verified, ends on the page.
	cert, _ := lwstest.CertFiles(t)
	r := lwstest.Curl(t, "-L", "--cacert", cert, base+"/")
	if r.Status != 200 || !strings.Contains(r.Body, "TLS + port 80") || r.Version != "2" {
		t.Fatalf("after the redirect: %d over HTTP/%s", r.Status, r.Version)
	}
	if r := lwstest.Curl(t, "-L", "--cacert", cert, base+"/no-such-page.html"); r.Status != 404 {
		t.Fatalf("missing page after the redirect: %d", r.Status)
	}
}

// A browser typing the http address lands on the https page.
func TestChromiumFollowsToHTTPS(t *testing.T) {
	base, tp := start(t)
	tab := lwstest.NewBrowser(t).NewTab(base + "/")
	tab.WaitFor("https page", func() string { return tab.Text("#title") }, "TLS + port 80", 10*time.Second)
	if u := tab.Eval("location.href"); u != "https://localhost:"+tp+"/" {
		t.Fatalf("landed on %q", u)
	}
	tab.WaitFor("protocol note", func() string { return tab.Text("#proto") }, "arrived over h2", 10*time.Second)
}
