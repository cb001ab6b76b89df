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

func start(t *testing.T) (httpBase, httpsBase string, logBuf *lwstest.LogBuffer) {
	t.Helper()
	logBuf = new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-http-server-custom-headers", "--port", "0", "--tls-port", "0"}), logBuf, ready)
	})
	_, tp, _ := net.SplitHostPort(c.VhostByName("https").Addr())
	return "http://" + c.VhostByName("http").Addr(), "https://localhost:" + tp, logBuf
}

func TestDNTOverHTTPAndHTTPS(t *testing.T) {
	h, s, logBuf := start(t)
	r := lwstest.Curl(t, "-H", "dnt: 1", h+"/dyn/xxx")
	if r.Status != 200 || r.Body != "callback_http: DNT length 1<br>callback_http: DNT value '1'\n" || r.Header.Get("Test-Custom-Header") != "hello" {
		t.Fatalf("%d %q %q", r.Status, r.Body, r.Header.Get("Test-Custom-Header"))
	}
	logBuf.Wait(t, "U: callback_http: DNT length 1 callback_http: DNT value '1'", 5*time.Second)
	// lws's custom headers were h1 only; here HTTP/2 works as well.
	r = lwstest.Curl(t, "-k", "-H", "DNT: 0", s+"/dyn/xxx")
	if r.Version != "2" || !strings.Contains(r.Body, "DNT value '0'") {
		t.Fatalf("https: HTTP/%s %q", r.Version, r.Body)
	}
	if r := lwstest.Curl(t, h+"/dyn/xxx"); !strings.Contains(r.Body, "DNT header not found") {
		t.Fatalf("no DNT: %q", r.Body)
	}
	// Present but empty is not absent.
	if r := lwstest.Curl(t, "-H", "dnt;", h+"/dyn/xxx"); !strings.Contains(r.Body, "DNT length 0") {
		t.Fatalf("empty DNT: %q", r.Body)
	}
}

// Bad input: a value that would not fit lws's copy buffer is reported, not
// echoed; markup is escaped; a header too big for the server is refused
// by net/http with 431.
func TestBadInput(t *testing.T) {
	h, _, _ := start(t)
	r := lwstest.Curl(t, "-H", "dnt: "+strings.Repeat("9", 40), h+"/dyn/xxx")
	if !strings.Contains(r.Body, "DNT length 40<br>callback_http: unable to get DNT value (over 31 bytes)") || strings.Contains(r.Body, "9999") {
		t.Fatalf("long DNT: %q", r.Body)
	}
	r = lwstest.Curl(t, "-H", "dnt: <script>x</script>", h+"/dyn/xxx")
	if strings.Contains(r.Body, "<script>") || !strings.Contains(r.Body, "&lt;script&gt;") {
		t.Fatalf("markup: %q", r.Body)
	}
	if r := lwstest.Curl(t, "-H", "dnt: "+strings.Repeat("x", 40000), h+"/dyn/xxx"); r.Status != 431 {
		t.Fatalf("40 KB header: %d", r.Status)
	}
}

// Chromium follows the page's link and is told what it sent: no DNT (a
// browser sends it only when its privacy setting says so, and fetch()
// cannot add it: Chromium keeps DNT to itself).
func TestChromium(t *testing.T) {
	h, _, _ := start(t)
	tab := lwstest.NewBrowser(t).NewTab(h + "/")
	tab.Click("#h1")
	tab.WaitFor("dyn page", func() string { return tab.Eval("document.body ? document.body.innerText : ''") }, "DNT header not found", 10*time.Second)
}
