// The user side of the "mintest" stream: the rx, tx and state callbacks of
// lws's minimal-secure-streams-metadata.c. The stream is payload-only: where it
// connects, over what and trusting whom is the policy's business.
package main

import (
	"time"

	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ss"
)

// myss is the user object of one stream (lws's myss_t).
type myss struct {
	timeout time.Duration
	server  string // the host the endpoint expands to (-u)
	ok      bool   // the whole message arrived
	done    func()
}

// Rx logs each piece; the end of the message (EOM) means success.
func (m *myss) Rx(h *ss.Handle, buf []byte, flags ss.Flags) ss.Result {
	log := h.Streams().Logger()
	logs.Userf(log, "myss_rx: len %d, flags: %d", len(buf), flags)
	logs.Hexdump(log, logs.LevelInfo, buf)
	if flags&ss.FlagEOM != 0 {
		m.ok = true
		m.done()
	}
	return ss.ResultOK
}

// Tx: this stream only receives.
func (m *myss) Tx(*ss.Handle, uint32, []byte) (int, ss.Flags, ss.Result) {
	return 0, 0, ss.ResultTxDontSend
}

// State sets the stream up at CREATING: a watchdog, the metadata the policy
// maps to a header and into the URL, and a connection.
func (m *myss) State(h *ss.Handle, st ss.State, ack uint32) ss.Result {
	log := h.Streams().Logger()
	logs.Userf(log, "myss_state: %s, ord 0x%x", st, ack)
	switch st {
	case ss.StateCreating:
		h.StartTimeout(m.timeout)
		// The endpoint is "${servername}" in the policy: the stream says
		// where it goes, before it connects.
		_ = h.SetMetadata("servername", []byte(m.server))
		_ = h.SetMetadata("uptag", []byte("myuptag123"))
		_ = h.SetMetadata("ctype", []byte("myctype"))
		_ = h.ClientConnect()
	case ss.StateAllRetriesFailed:
		m.done() // out of retries: stop, failed
	case ss.StateQOSAckRemote:
		logs.Noticef(log, "myss_state: LWSSSCS_QOS_ACK_REMOTE")
	case ss.StateTimeout:
		logs.Noticef(log, "myss_state: LWSSSCS_TIMEOUT")
		m.done()
	}
	return ss.ResultOK
}
