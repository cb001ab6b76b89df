package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T) *lws.Context {
	t.Helper()
	return lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-http-server-multivhost", "--port", "0", "--shared-port", "0"}), io.Discard, ready)
	})
}

func port(vh *lws.Vhost) string {
	_, p, _ := net.SplitHostPort(vh.Addr())
	return p
}

func TestVhostsByPortAndHost(t *testing.T) {
	c := start(t)
	one, two := port(c.VhostByName("localhost1")), port(c.VhostByName("localhost2"))
	if port(c.VhostByName("localhost3")) != two {
		t.Fatal("localhost3 does not share localhost2's port")
	}
	for _, tc := range []struct{ port, host, want string }{
		{one, "localhost1", "vhost <b>localhost1</b>"},
		{two, "localhost2", "vhost <b>localhost2</b>"},
		{two, "localhost3", "vhost <b>localhost3</b>"},
		{two, "somebody-else", "vhost <b>localhost2</b>"}, // the first vhost on the port
	} {
		r := lwstest.Curl(t, "-H", "Host: "+tc.host, "http://127.0.0.1:"+tc.port+"/")
		if r.Status != 200 || !strings.Contains(r.Body, tc.want) {
			t.Errorf("Host %s on %s: %d %q", tc.host, tc.port, r.Status, r.Body)
		}
	}
	// Each vhost has its own 404 page.
	if r := lwstest.Curl(t, "-H", "Host: localhost3", "http://127.0.0.1:"+two+"/nope"); r.Status != 404 {
		t.Errorf("404: %d", r.Status)
	}
}

// syncBuffer collects log output written from the loop.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDieAfterVhostNotifies(t *testing.T) {
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), switches.MustParse([]string{"x", "--port", "0", "--shared-port", "0", "--die-after-vhost"}), &logs, nil)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--die-after-vhost did not exit")
	}
	if !strings.Contains(logs.String(), "vh_destruction_notification: called for localhost3") {
		t.Fatalf("no destruction notification in:\n%s", logs.String())
	}
}

func TestChromiumSeesEachVhost(t *testing.T) {
	c := start(t)
	b := lwstest.NewBrowser(t)
	// "localhost" resolves to 127.0.0.1 here; the vhost is chosen by port
	// for localhost1 and by the first-vhost rule for localhost2.
	for vh, want := range map[string]string{"localhost1": "localhost1", "localhost2": "localhost2"} {
		tab := b.NewTab("http://localhost:" + port(c.VhostByName(vh)) + "/")
		tab.WaitFor(vh, func() string { return tab.Text("h1") }, want, 10*time.Second)
	}
}
