package asyncdns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
)

func loop(t *testing.T) (*lws.Context, func()) {
	t.Helper()
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	return c, func() { cancel(); <-done }
}

// A server that never answers ends the query with ErrTimeout, delivered
// on the loop; past MaxInFlight a query is refused with ErrBusy.
func TestTimeoutAndBusy(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	c, stop := loop(t)
	defer stop()
	r := New(c, Options{Servers: []string{pc.LocalAddr().String()}, Timeout: 200 * time.Millisecond, MaxInFlight: 1})
	got := make(chan error, 2)
	cb := func(_ string, a []netip.Addr, err error) {
		if len(a) != 0 {
			t.Errorf("addresses from a silent server: %v", a)
		}
		got <- err
	}
	r.Query("a.example.", A, cb)
	r.Query("b.example.", A, cb)
	if err := <-got; !errors.Is(err, ErrBusy) {
		t.Fatalf("second query: %v, want ErrBusy", err)
	}
	if err := <-got; !errors.Is(err, ErrTimeout) {
		t.Fatalf("first query: %v, want ErrTimeout", err)
	}
	if q, h := r.Stats(); q != 1 || h != 0 {
		t.Fatalf("%d queries %d hits", q, h)
	}
}
