package lws

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
