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

func start(t *testing.T, args ...string) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-http-server", "--port", "0"}, args...)), ready)
	})
	return "http://" + c.Vhosts()[0].Addr()
}

func TestPageAndSecurityHeaders(t *testing.T) {
	base := start(t)
	r := lwstest.Curl(t, base+"/")
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/html" || !strings.Contains(r.Body, "minimal http server") {
		t.Fatalf("GET /: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; img-src 'self' data: ; script-src 'self';",
		"X-Content-Type-Options":  "nosniff",
		"X-Xss-Protection":        "1; mode=block",
		"X-Frame-Options":         "deny",
		"Referrer-Policy":         "no-referrer",
	} {
		if !strings.HasPrefix(r.Header.Get(h), want) {
			t.Errorf("%s: %q, want %q", h, r.Header.Get(h), want)
		}
	}
}

func TestCustom404(t *testing.T) {
	base := start(t)
	r := lwstest.Curl(t, base+"/no-such-page.html")
	if r.Status != 404 || !strings.Contains(r.Body, "This is the vhost's error") {
		t.Fatalf("missing page: %d %q", r.Status, r.Body)
	}
}

func TestPathTraversalRefused(t *testing.T) {
	base := start(t)
	for _, p := range []string{
		"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
		"/..%2f..%2fetc%2fpasswd", "/.%2e/.%2e/etc/passwd", "/..%5c..%5cetc%5cpasswd",
	} {
		r := lwstest.Curl(t, "--path-as-is", base+p)
		if r.Status != 403 || strings.Contains(r.Body, "root:") {
			t.Errorf("%s: %d %q", p, r.Status, r.Body)
		}
	}
}

func TestH2PriorKnowledge(t *testing.T) {
	base := start(t, "--h2-prior-knowledge")
	r := lwstest.Curl(t, "--http2-prior-knowledge", base+"/")
	if r.Status != 200 || r.Version != "2" {
		t.Fatalf("got %d over HTTP/%s, want 200 over HTTP/2", r.Status, r.Version)
	}
	// Without the option, h2c prior knowledge is not spoken.
	plain := start(t)
	if r := lwstest.Curl(t, "--http1.1", plain+"/"); r.Version != "1.1" {
		t.Fatalf("h1 client got HTTP/%s", r.Version)
	}
}

func TestChromiumFollows404Link(t *testing.T) {
	base := start(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	tab := lwstest.NewBrowser(t).NewTab("http://localhost:" + port + "/")
	tab.WaitFor("start page", func() string { return tab.Text("h1") }, "minimal http server", 10*time.Second)
	tab.Click("#missing")
	tab.WaitFor("404 page", func() string { return tab.Text("h1") }, "404", 10*time.Second)
}
