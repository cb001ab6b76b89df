package lws

import (
	"testing"
	"time"
)

// A sul scheduled from a writeable callback, due at once (as a KillAsync
// timeout is), runs at once even when nothing else wakes the loop: the
// loop's wait is worked out after the writeable pass.
func TestSulFromWriteableRunsAtOnce(t *testing.T) {
	noLeaks(t)
	fired := make(chan time.Duration, 1)
	var s Sul
	proto := &Protocol{Name: "sul-test", Callback: func(c *Conn, reason Reason, _ any, _ []byte) error {
		switch reason {
		case ReasonEstablished:
			c.CallbackOnWritable()
		case ReasonServerWriteable:
			start := time.Now()
			c.Context().Schedule(&s, 0, func(*Sul) { fired <- time.Since(start) })
		}
		return nil
	}}
	srv := startContext(t, ContextInfo{VhostInfo: VhostInfo{Protocols: []*Protocol{proto}}})
	dialWS(t, "ws://"+srv.Vhosts()[0].Addr()+"/", "sul-test")
	select {
	case d := <-fired:
		if d > time.Second {
			t.Fatalf("sul ran %v late", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a sul due at once, scheduled in a writeable callback, did not run")
	}
}
