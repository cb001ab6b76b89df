package lws

import (
	"math/rand/v2"
	"time"
)

// RetryBackoff is the mirror of lws_retry_bo_t: a backoff table for client
// retries plus the validity times that keep idle connections honest.
type RetryBackoff struct {
	// RetryMs is the backoff table in milliseconds (retry_ms_table); the
	// last entry repeats.
	RetryMs []uint32
	// ConcealCount is how many failures are hidden from the user before
	// the connection error is reported (conceal_count).
	ConcealCount uint16
	// SecsSinceValidPing: after this long with nothing received, send a
	// ping (secs_since_valid_ping).
	SecsSinceValidPing uint16
	// SecsSinceValidHangup: after this long with nothing received, hang up
	// (secs_since_valid_hangup).
	SecsSinceValidHangup uint16
	// JitterPercent adds up to this much random delay (jitter_percent).
	JitterPercent uint8
}

// defaultRetry is lws's default idle policy for connections whose vhost set
// none: ping after 5 minutes of silence, hang up 10 s after that.
var defaultRetry = RetryBackoff{SecsSinceValidPing: 300, SecsSinceValidHangup: 310}

// RetryDelay works out the wait before the next retry and counts the try:
// the mirror of lws_retry_get_delay_ms. The delay is the table entry for
// *try (the last entry once past the end; 3 s with no policy) plus a random
// jitter of up to JitterPercent (30% when 0 or with no policy). conceal
// says whether this failure is still one the user should not hear about
// (try <= ConcealCount after counting it; never with no policy).
func (r *RetryBackoff) RetryDelay(try *uint16, rnd func() uint16) (delay time.Duration, conceal bool) {
	ms, pc := uint64(3000), uint64(30)
	if r != nil && len(r.RetryMs) > 0 {
		i := int(*try)
		if i >= len(r.RetryMs) {
			i = len(r.RetryMs) - 1
		}
		ms = uint64(r.RetryMs[i])
	}
	if r != nil && r.JitterPercent != 0 {
		pc = uint64(r.JitterPercent)
	}
	ms += ((ms * pc * uint64(rnd())) >> 16) / 100
	if *try < 0xffff {
		*try++
	}
	if r != nil {
		conceal = *try <= r.ConcealCount
	}
	return time.Duration(ms) * time.Millisecond, conceal
}

// randUint16 is the jitter source (lws_get_random).
func randUint16() uint16 { return uint16(rand.Uint32()) }

// RetrySchedule arms s to call cb after the policy's next delay if the
// failure is still concealed, and reports whether it did: the mirror of
// lws_retry_sul_schedule (which returns nonzero when it gives up). Call it
// on the loop.
func (c *Context) RetrySchedule(s *Sul, r *RetryBackoff, try *uint16, cb func(*Sul)) bool {
	d, conceal := r.RetryDelay(try, randUint16)
	if !conceal {
		return false
	}
	c.log.Debug("scheduling retry", "in", d, "try", *try)
	c.Schedule(s, d, cb)
	return true
}
