package ss

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// The SS proxy link's messages (CORE-SPEC §2.6): type, 2-byte big-endian
// length, body. The byte stream coalesces messages, hence the framing.
const (
	// Client to proxy.
	msgStreamtype    byte = 0xAA // 4-byte initial tx credit, streamtype name
	msgOnwardConnect byte = 0xAB
	msgDestroying    byte = 0xAC
	msgTxPayload     byte = 0xAD // flags(4), client hold µs (4), timestamp µs (8), payload
	msgMetadata      byte = 0xAE // name length (1), name, value
	msgTxcrUpdateC   byte = 0xAF // signed delta (4)
	msgTimeoutUpdate byte = 0xB0 // ms (4): 0 = the policy's, 0xFFFFFFFF = cancel

	// Proxy to client.
	msgRxPayload    byte = 0x55 // flags(4), two latency fields (4, 8), payload
	msgCreateResult byte = 0x56 // 0 = ok; failure closes the link
	msgConnState    byte = 0x57 // state (1), ordinal (4)
	msgTxcrUpdateP  byte = 0x58 // delta (4)
)

// payloadHeader is the flags and latency fields in front of a payload.
const payloadHeader = 4 + 4 + 8

// maxBody is the largest message body the 2-byte length allows.
const maxBody = 0xffff

// DefaultProxyAddress is where proxy and clients meet by default: the Linux
// abstract unix socket "proxy.ss.lws" (lws's default).
const DefaultProxyAddress = "@proxy.ss.lws"

// frame builds one message.
func frame(typ byte, body ...[]byte) []byte {
	n := 0
	for _, b := range body {
		n += len(b)
	}
	out := make([]byte, 3, 3+n)
	out[0] = typ
	binary.BigEndian.PutUint16(out[1:], uint16(n))
	for _, b := range body {
		out = append(out, b...)
	}
	return out
}

// payloadFrame is an RX_PAYLOAD or TX_PAYLOAD message: flags, the two
// latency fields (hold time, send timestamp) and the payload.
func payloadFrame(typ byte, flags Flags, payload []byte) []byte {
	var h [payloadHeader]byte
	binary.BigEndian.PutUint32(h[0:], uint32(flags))
	binary.BigEndian.PutUint64(h[8:], uint64(time.Now().UnixMicro()))
	return frame(typ, h[:], payload)
}

// splitPayload takes a payload message's body apart.
func splitPayload(body []byte) (Flags, []byte, error) {
	if len(body) < payloadHeader {
		return 0, nil, errors.New("ss proxy: payload message too short")
	}
	return Flags(binary.BigEndian.Uint32(body)), body[payloadHeader:], nil
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// readFrame reads one message.
func readFrame(r *bufio.Reader) (byte, []byte, error) {
	var h [3]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	body := make([]byte, binary.BigEndian.Uint16(h[1:]))
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, fmt.Errorf("ss proxy: message 0x%02x cut short: %w", h[0], err)
	}
	return h[0], body, nil
}

// linkQueue bounds what waits to go out on one link.
const linkQueue = 1024

// maxPayload is how much payload one message carries.
const maxPayload = maxBody - payloadHeader

// frameQueue is one link's outgoing messages: a bounded queue that a
// writer goroutine drains, so the loop never blocks on a link. Both ends
// of the proxy link use it. A peer that stops reading fills the queue and
// gets the link hung up rather than buffered without bound.
type frameQueue struct {
	nc      net.Conn
	onClose func() // runs once, when the queue closes either way

	mu     sync.Mutex
	out    chan []byte
	closed bool
}

func newFrameQueue(nc net.Conn, onClose func()) *frameQueue {
	return &frameQueue{nc: nc, onClose: onClose, out: make(chan []byte, linkQueue)}
}

// send queues b; it reports false if the queue was full, in which case the
// link has been hung up.
func (q *frameQueue) send(b []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return true
	}
	select {
	case q.out <- b:
		return true
	default:
		q.closeLocked(true)
		return false
	}
}

// hangup closes the link now, dropping what is queued.
func (q *frameQueue) hangup() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closeLocked(true)
}

// finish lets the writer send what is queued, then close the link.
func (q *frameQueue) finish() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closeLocked(false)
}

func (q *frameQueue) closeLocked(now bool) {
	if q.closed {
		return
	}
	q.closed = true
	close(q.out)
	if now {
		q.nc.Close()
	}
	if q.onClose != nil {
		q.onClose()
	}
}

// writeLoop is the writer goroutine; it closes the socket when the queue
// ends or a write fails.
func (q *frameQueue) writeLoop() {
	defer q.nc.Close()
	for b := range q.out {
		_ = q.nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := q.nc.Write(b); err != nil {
			q.hangup()
			for range q.out { // drain until closed
			}
			return
		}
	}
}
