package seq

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// A sequencer steps through CREATED, a user event, a timeout and
// heartbeats, and ends with DESTROYED when its callback says so.
func TestSequence(t *testing.T) {
	c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []Event
	done := make(chan struct{})
	_, err = New(c, Info{Name: "test", Callback: func(s *Sequencer, e Event, data, aux any) Result {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
		switch e {
		case Created:
			s.QueueEvent(UserBase, "step", nil)
			if len(events) != 1 {
				t.Error("QueueEvent delivered from inside the callback")
			}
		case UserBase:
			if data != "step" {
				t.Errorf("data %v", data)
			}
			s.SetTimeout(1200 * time.Millisecond) // one heartbeat before it
		case TimedOut:
			return Destroy
		case Destroyed:
			close(done)
		}
		return Continue
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = c.Run(ctx) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("sequence did not finish")
	}
	mu.Lock()
	defer mu.Unlock()
	want := []Event{Created, UserBase, Heartbeat, TimedOut, Destroyed}
	if len(events) != len(want) {
		t.Fatalf("events %v, want %v", events, want)
	}
	for i := range want {
		if events[i] != want[i] {
			t.Fatalf("events %v, want %v", events, want)
		}
	}
}
