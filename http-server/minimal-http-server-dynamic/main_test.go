package main

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T) (httpPort, tlsPort string) {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-http-server-dynamic", "--port", "0", "--tls-port", "0"}), ready)
	})
	_, httpPort, _ = net.SplitHostPort(c.VhostByName("http").Addr())
	_, tlsPort, _ = net.SplitHostPort(c.VhostByName("localhost").Addr())
	return httpPort, tlsPort
}

func checkBody(t *testing.T, body, path string, blocks int) {
	t.Helper()
	if !strings.Contains(body, "Dynamic content for '"+path+"'") || !strings.Contains(body, `id="end"`) {
		t.Fatalf("body for %s lacks its start or end (%d bytes)", path, len(body))
	}
	if got := strings.Count(body, "Filler block "); got != blocks {
		t.Fatalf("%s: %d filler blocks, want %d", path, got, blocks)
	}
}

func TestDynamicPieces(t *testing.T) {
	h, s := start(t)
	r := lwstest.Curl(t, "http://localhost:"+h+"/dyn/anything")
	if r.Status != 200 || r.Header.Get("Content-Length") != "" || r.Header.Get("Transfer-Encoding") != "chunked" {
		t.Fatalf("status %d, content-length %q, transfer-encoding %q", r.Status, r.Header.Get("Content-Length"), r.Header.Get("Transfer-Encoding"))
	}
	checkBody(t, r.Body, "/anything", 10)
	checkBody(t, lwstest.Curl(t, "http://localhost:"+h+"/dyn/20").Body, "/20", 20)
	// The same over TLS (and HTTP/2) on the second vhost.
	r = lwstest.Curl(t, "-k", "https://localhost:"+s+"/dyn/3")
	if r.Version != "2" {
		t.Errorf("TLS vhost answered over HTTP/%s", r.Version)
	}
	checkBody(t, r.Body, "/3", 3)
	// Files still come from the "/" mount.
	if r := lwstest.Curl(t, "http://localhost:"+h+"/"); r.Status != 200 || !strings.Contains(r.Body, "/dyn") {
		t.Fatalf("index: %d", r.Status)
	}
}

// A client reading slowly gets every byte: each piece waits until the
// previous one has left.
func TestSlowReaderGetsEverything(t *testing.T) {
	_, s := start(t)
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ReadBufferSize: 512}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://localhost:" + s + "/dyn/50")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	buf := make([]byte, 700)
	for {
		n, err := resp.Body.Read(buf)
		body.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	checkBody(t, body.String(), "/50", 50)
}

func TestChromiumShowsDynamicPage(t *testing.T) {
	h, _ := start(t)
	tab := lwstest.NewBrowser(t).NewTab("http://localhost:" + h + "/dyn/5")
	tab.WaitFor("last piece", func() string { return tab.Text("#end") }, "last piece", 10*time.Second)
	tab.WaitFor("block 5", func() string { return tab.Text("#block-5") }, "Filler block 5 of 5", 10*time.Second)
}
