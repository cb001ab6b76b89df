package lws

// Callback is a protocol's callback: the mirror of lws_callback_function.
// The core calls it on the service loop goroutine, never concurrently, with
// the connection (the wsi), why it is being called, the connection's
// per-session data (pss) and the data that comes with the reason (received
// bytes, the URL path for ReasonHTTP, ...). Returning a non-nil error closes
// the connection, as returning nonzero does in lws. As in lws, in is only
// valid during the call: copy what you keep.
type Callback func(c *Conn, reason Reason, pss any, in []byte) error

// Protocol is the mirror of struct lws_protocols: a named callback plus the
// size hints lws keeps with it.
type Protocol struct {
	// Name is the ws subprotocol name, or the name a callback mount binds to.
	Name string
	// Callback receives every event of every connection bound to the protocol.
	Callback Callback
	// NewSession creates the per-session data (pss) for a new connection,
	// replacing lws's per_session_data_size: lws zeroes a block of that size,
	// Go asks the protocol for a fresh value. Nil means no pss.
	NewSession func() any
	// RxBufferSize caps how many bytes one ReasonReceive delivers (lws's
	// rx_buffer_size). 0 means the core's default of 4096.
	RxBufferSize int
	// ID is opaque to the core, for protocol versioning (lws's id).
	ID uint
	// User is opaque to the core (lws's user pointer).
	User any
	// TxPacketSize caps one send (lws's tx_packet_size); 0 means
	// RxBufferSize.
	TxPacketSize int
}

// HTTPDummy is the mirror of lws_callback_http_dummy: the callback of the
// "http" protocol that lws examples put first in their protocol table. The
// core serves mounts itself, so it has nothing to do.
func HTTPDummy(c *Conn, reason Reason, pss any, in []byte) error { return nil }

// PVO holds per-vhost options: the mirror of struct
// lws_protocol_vhost_options. The outer key is the protocol name, the inner
// map its name/value pairs, handed to that protocol's ReasonProtocolInit.
// Listing a protocol in the PVO of a vhost also enables it there when the
// vhost is configured from plugins (lwsws).
type PVO map[string]map[string]string

// defaultRxBufferSize is used when a protocol leaves RxBufferSize at 0.
const defaultRxBufferSize = 4096

func (p *Protocol) rxBufferSize() int {
	if p.RxBufferSize > 0 {
		return p.RxBufferSize
	}
	return defaultRxBufferSize
}
