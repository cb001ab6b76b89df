package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T) (string, *lwstest.LogBuffer) {
	t.Helper()
	logBuf := new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-http-server-form-get", "--port", "0"}), logBuf, ready)
	})
	return "http://" + c.Vhosts()[0].Addr(), logBuf
}

// The page's form, filled in and submitted by a real browser: the fields
// are logged and the browser lands on after-form1.html.
func TestChromiumSubmitsForm(t *testing.T) {
	base, logBuf := start(t)
	tab := lwstest.NewBrowser(t).NewTab(base + "/")
	tab.Type("#text1", "hello from chromium")
	tab.Click("#send")
	tab.WaitFor("after-form1 page", func() string { return tab.Text("#thanks") }, "Thanks for submitting", 10*time.Second)
	if u := tab.Eval("location.pathname"); u != "/after-form1.html" {
		t.Fatalf("landed on %q", u)
	}
	logBuf.Wait(t, "text1: (len 19) 'hello from chromium'", 5*time.Second)
	logBuf.Wait(t, "send: (len 6) 'Submit'", 5*time.Second)
}

func TestCurlRedirectAndLog(t *testing.T) {
	base, logBuf := start(t)
	r := lwstest.Curl(t, base+"/form1?text1=xxxx&send=Submit")
	if r.Status != 301 || r.Header.Get("Location") != "after-form1.html" {
		t.Fatalf("status %d, location %q", r.Status, r.Header.Get("Location"))
	}
	logBuf.Wait(t, "text1: (len 4) 'xxxx'", 5*time.Second)
	// Without arguments both are reported as undefined (not as empty).
	if r := lwstest.Curl(t, base+"/form1"); r.Status != 301 {
		t.Fatalf("bare /form1: %d", r.Status)
	}
	logBuf.Wait(t, "text1: undefined", 5*time.Second)
	logBuf.Wait(t, "send: undefined", 5*time.Second)
	// An empty value is defined, with length 0.
	lwstest.Curl(t, base+"/form1?text1=&send=Submit")
	logBuf.Wait(t, "text1: (len 0) ''", 5*time.Second)
	// Following the redirect ends on the static page.
	if r := lwstest.Curl(t, "-L", base+"/form1?text1=a"); r.Status != 200 || !strings.Contains(r.Body, "Thanks") {
		t.Fatalf("after redirect: %d", r.Status)
	}
}

// Bad input: a field over its limit is refused with 400 and the reason,
// nothing is logged as if it were accepted; a value with a line break
// cannot forge a log line.
func TestBadInput(t *testing.T) {
	base, logBuf := start(t)
	long := strings.Repeat("x", formGetMaxField+1)
	r := lwstest.Curl(t, base+"/form1?text1="+long+"&send=Submit")
	if r.Status != 400 || !strings.Contains(r.Body, "text1 is longer than 1024 bytes") {
		t.Fatalf("over-long field: %d %q", r.Status, r.Body)
	}
	logBuf.Wait(t, "text1: refused, 1025 bytes is over the 1024-byte limit", 5*time.Second)
	if strings.Contains(logBuf.String(), "(len 1025)") {
		t.Fatal("an over-long value was logged as accepted")
	}
	// Exactly at the limit is fine.
	if r := lwstest.Curl(t, base+"/form1?text1="+long[1:]); r.Status != 301 {
		t.Fatalf("field at the limit: %d", r.Status)
	}
	lwstest.Curl(t, base+"/form1?text1="+url.QueryEscape("a\n[2026/01/01 00:00:00:0000] U: send: (len 6) 'forged'"))
	logBuf.Wait(t, `text1: (len 54) 'a\n[2026`, 5*time.Second)
	if strings.Contains(logBuf.String(), "\n[2026/01/01") {
		t.Fatal("a field value forged a log line")
	}
	// Only /form1 itself is the form's target.
	if r := lwstest.Curl(t, base+"/form1/other"); r.Status != 404 {
		t.Fatalf("/form1/other: %d", r.Status)
	}
}
