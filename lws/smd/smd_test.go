package smd

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
)

func TestBus(t *testing.T) {
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	bus := New(c)
	var mu sync.Mutex
	var all, netOnly []string
	bus.Register(All, func(class Class, _ time.Time, p []byte) int {
		mu.Lock()
		defer mu.Unlock()
		all = append(all, string(p))
		return 0
	})
	var inSend bool
	bus.Register(Network, func(class Class, _ time.Time, p []byte) int {
		if inSend {
			t.Error("delivered from inside Send")
		}
		mu.Lock()
		defer mu.Unlock()
		netOnly = append(netOnly, string(p))
		return 0
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	ok := make(chan struct{})
	c.Do(func() {
		inSend = true
		if err := bus.Send(Network, []byte(`{"trigger":"cpdcheck"}`)); err != nil {
			t.Error(err)
		}
		if err := bus.Send(Interaction, []byte(`{"class":"INTERACTION"}`)); err != nil {
			t.Error(err)
		}
		if err := bus.Send(Network, make([]byte, MaxPayload+1)); !errors.Is(err, ErrTooBig) {
			t.Errorf("oversized payload: %v", err)
		}
		if err := bus.Send(Network|Interaction, nil); err == nil {
			t.Error("two classes accepted")
		}
		inSend = false
		c.Do(func() { close(ok) })
	})
	<-ok
	time.Sleep(50 * time.Millisecond)
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	// The all-classes participant saw the two messages in the order sent
	// and every system state on the way to OPERATIONAL, in order.
	got := strings.Join(all, " ")
	if !strings.Contains(got, `{"trigger":"cpdcheck"} {"class":"INTERACTION"}`) ||
		!strings.Contains(got, `{"state":"INITIALIZED"} {"state":"IFACE_COLDPLUG"}`) ||
		!strings.HasSuffix(got, `{"state":"AUTH2"} {"state":"OPERATIONAL"}`) {
		t.Fatalf("all: %s", got)
	}
	if strings.Join(netOnly, " ") != `{"trigger":"cpdcheck"}` {
		t.Fatalf("network only: %v", netOnly)
	}
}

// A participant registered after a message was sent does not receive it,
// as in lws (each message is for the peers there when it was sent).
func TestLateParticipant(t *testing.T) {
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Destroy()
	bus := &Bus{ctx: c}
	var early, late []string
	bus.Register(All, func(_ Class, _ time.Time, p []byte) int { early = append(early, string(p)); return 0 })
	_ = bus.Send(Network, []byte("first"))
	bus.Register(All, func(_ Class, _ time.Time, p []byte) int { late = append(late, string(p)); return 0 })
	_ = bus.Send(Network, []byte("second"))
	bus.deliver()
	if strings.Join(early, ",") != "first,second" || strings.Join(late, ",") != "second" {
		t.Fatalf("early %v late %v", early, late)
	}
}

// The queue is bounded: a sender faster than the loop is refused with
// ErrQueueFull, and room comes back once the loop delivers.
func TestQueueBound(t *testing.T) {
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Destroy()
	bus := &Bus{ctx: c}
	got := 0
	bus.Register(All, func(Class, time.Time, []byte) int { got++; return 0 })
	for i := range DefaultQueueDepth {
		if err := bus.Send(Network, []byte("x")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if err := bus.Send(Network, []byte("x")); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("message %d: %v, want ErrQueueFull", DefaultQueueDepth+1, err)
	}
	bus.deliver()
	if got != DefaultQueueDepth {
		t.Fatalf("%d delivered", got)
	}
	if err := bus.Send(Network, []byte("x")); err != nil {
		t.Fatalf("after delivery: %v", err)
	}
}

// Send is safe from many goroutines while the loop delivers; every
// accepted message is delivered once.
func TestConcurrentSend(t *testing.T) {
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	bus := New(c)
	bus.QueueDepth = 1 << 20
	var delivered int
	bus.Register(Interaction, func(Class, time.Time, []byte) int { delivered++; return 0 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				if err := bus.Printf(Interaction, `{"n":1}`); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	total := make(chan int)
	for {
		c.Do(func() { total <- delivered })
		if <-total == 2000 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
}
