package main

import (
	"context"
	"html"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T, args ...string) (*lws.Context, *lwstest.LogBuffer) {
	t.Helper()
	logBuf := new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse(append([]string{"lws-minimal-http-server-form-post-lwsac", "--port", "0"}, args...)), logBuf, ready)
	})
	return c, logBuf
}

func TestChromiumPostsForm(t *testing.T) {
	c, logBuf := start(t)
	tab := lwstest.NewBrowser(t).NewTab("http://" + c.Vhosts()[0].Addr() + "/")
	tab.Type("#text1", "kept in an arena")
	tab.Click("#send")
	tab.WaitFor("after-form1 page", func() string { return tab.Text("#thanks") }, "Thanks for submitting", 10*time.Second)
	logBuf.Wait(t, "text1: (len 16) 'kept in an arena'", 5*time.Second)
	// 16 + 6 bytes of values: one 512-byte chunk.
	logBuf.Wait(t, "lwsac: the values took 1 chunk(s), 512 bytes; freed together", 5*time.Second)
}

// Values bigger than a chunk take more chunks (or one of their own size).
func TestValuesSpanChunks(t *testing.T) {
	c, logBuf := start(t)
	base := "http://" + c.Vhosts()[0].Addr()
	if r := lwstest.Curl(t, "-d", "text1="+strings.Repeat("a", 500)+"&send="+strings.Repeat("b", 100), base+"/form1"); r.Status != 301 {
		t.Fatalf("%d", r.Status)
	}
	logBuf.Wait(t, "lwsac: the values took 2 chunk(s), 1024 bytes", 5*time.Second)
	if r := lwstest.Curl(t, "-d", "text1="+strings.Repeat("a", 1000), base+"/form1"); r.Status != 301 {
		t.Fatalf("%d", r.Status)
	}
	logBuf.Wait(t, "lwsac: the values took 1 chunk(s), 1000 bytes", 5*time.Second)
}

func TestTLS(t *testing.T) {
	c, logBuf := start(t, "-s")
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	if r := lwstest.Curl(t, "-k", "-d", "text1=tls&send=Submit", "https://localhost:"+port+"/form1"); r.Status != 301 || r.Version != "2" {
		t.Fatalf("%d HTTP/%s", r.Status, r.Version)
	}
	logBuf.Wait(t, "text1: (len 3) 'tls'", 5*time.Second)
}

// Bad input is refused with the reason, and the arena goes with it.
func TestBadInput(t *testing.T) {
	c, logBuf := start(t)
	base := "http://" + c.Vhosts()[0].Addr()
	for body, want := range map[string]string{
		"text1=" + strings.Repeat("x", 1025):                                          `field "text1" is longer than 1024 bytes`,
		"text1=" + strings.Repeat("x", 1000) + "&send=" + "yyyyyyyyyyyyyyyyyyyyyyyyy": "values exceed the 1024 bytes of storage",
		"text1=%G0":                           "invalid escape",
		"junk=" + strings.Repeat("z", 70<<10): "body exceeds the size limit",
	} {
		r := lwstest.Curl(t, "--data-binary", body, base+"/form1")
		if r.Status/100 != 4 || !strings.Contains(html.UnescapeString(r.Body), want) {
			t.Fatalf("%.20s: %d %q", body, r.Status, r.Body)
		}
		logBuf.Wait(t, want, 5*time.Second)
	}
	if strings.Contains(logBuf.String(), "BODY_COMPLETION") {
		t.Fatal("a refused body was completed")
	}
}
