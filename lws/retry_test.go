package lws

import (
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	r := &RetryBackoff{RetryMs: []uint32{1000, 2000, 3000}, ConcealCount: 4, JitterPercent: 20}
	var try uint16
	zero := func() uint16 { return 0 }
	max := func() uint16 { return 0xffff }
	for i, want := range []time.Duration{1 * time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second} {
		d, conceal := r.RetryDelay(&try, zero)
		if d != want || !conceal {
			t.Fatalf("try %d: %v %v, want %v concealed", i, d, conceal, want)
		}
	}
	// The fifth failure is no longer concealed.
	if _, conceal := r.RetryDelay(&try, zero); conceal {
		t.Fatal("fifth failure concealed with ConcealCount 4")
	}
	// Jitter adds up to JitterPercent.
	try = 0
	if d, _ := r.RetryDelay(&try, max); d < 1199*time.Millisecond || d > 1200*time.Millisecond {
		t.Fatalf("max jitter: %v, want just under 1.2 s", d)
	}
	// No policy: 3 s plus up to 30%, never concealed.
	var none *RetryBackoff
	try = 0
	if d, conceal := none.RetryDelay(&try, max); d < 3899*time.Millisecond || d > 3900*time.Millisecond || conceal {
		t.Fatalf("no policy: %v %v", d, conceal)
	}
	// The try counter saturates.
	try = 0xffff
	r.RetryDelay(&try, zero)
	if try != 0xffff {
		t.Fatalf("counter wrapped to %d", try)
	}
}
