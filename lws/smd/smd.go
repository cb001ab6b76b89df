// Package smd is lws's System Message Distribution (lws_smd): a small
// publish/subscribe bus on a context's loop. Participants register with a
// class mask; a message has one class, a time stamp and a short payload
// (JSON by convention), and reaches every participant whose mask has its
// class, in the order sent, on a later turn of the loop, never from inside
// Send. The context's system state changes arrive as SystemState messages,
// {"state":"OPERATIONAL"} and so on. Secure Streams reach the bus through
// the "_lws_smd" streamtype.
package smd

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// Class is a message class bit: the mirror of lws_smd_class_t.
type Class uint32

// Message classes, with lws's bits.
const (
	Interaction Class = 1 << 0 // LWSSMDCL_INTERACTION: user interaction
	SystemState Class = 1 << 1 // LWSSMDCL_SYSTEM_STATE: the context's state changes
	Network     Class = 1 << 2 // LWSSMDCL_NETWORK: connectivity, captive portal checks
	All         Class = 0xffffffff
)

// MaxPayload is the largest payload a message carries (LWS_SMD_MAX_PAYLOAD).
const MaxPayload = 384

// Func receives a message (lws_smd_notification_cb_t). A nonzero return is
// logged, as in lws.
type Func func(class Class, ts time.Time, payload []byte) int

// Peer is a registered participant (lws_smd_peer_t).
type Peer struct {
	mask  Class
	cb    Func
	bus   *Bus
	gone  bool
	since uint64 // messages sent before the peer registered are not its
}

// SetMask changes which classes the peer receives.
func (p *Peer) SetMask(mask Class) { p.mask = mask }

// DefaultQueueDepth is how many undelivered messages a bus holds before
// Send refuses more (lws's default smd_queue_depth).
const DefaultQueueDepth = 40

// Bus is a context's SMD. Register and Unregister on the loop; Send and
// Printf from any goroutine (lws_smd_msg_send is thread-safe too).
type Bus struct {
	// QueueDepth bounds the undelivered messages (lws's
	// info.smd_queue_depth); 0 means DefaultQueueDepth.
	QueueDepth int

	ctx   *lws.Context
	peers []*Peer

	mu      sync.Mutex // guards the queue, pending and seq
	queue   []message
	pending bool
	seq     uint64 // messages sent so far
}

type message struct {
	seq     uint64
	class   Class
	ts      time.Time
	payload []byte
}

// New creates the context's bus and has it report the context's system
// states (lws creates it with the context). Call it before Run.
func New(c *lws.Context) *Bus {
	b := &Bus{ctx: c}
	c.OnSystemState(func(st lws.SystemState) {
		_ = b.Send(SystemState, fmt.Appendf(nil, `{"state":"%s"}`, st))
	})
	return b
}

// Register adds a participant for the classes in mask (lws_smd_register).
// It receives messages sent from now on, not ones already queued.
func (b *Bus) Register(mask Class, cb Func) *Peer {
	b.mu.Lock()
	since := b.seq
	b.mu.Unlock()
	p := &Peer{mask: mask, cb: cb, bus: b, since: since}
	b.peers = append(b.peers, p)
	return p
}

// Unregister removes a participant; it receives nothing more, not even
// messages already queued (lws_smd_unregister).
func (p *Peer) Unregister() {
	b := p.bus
	p.gone = true
	for i, q := range b.peers {
		if q == p {
			b.peers = slices.Delete(b.peers, i, i+1) // clears the freed slot: the backing array keeps no reference
			break
		}
	}
}

// ErrTooBig is returned for a payload over MaxPayload.
var ErrTooBig = errors.New("smd: payload over 384 bytes")

// ErrQueueFull is returned while QueueDepth messages wait for delivery:
// the sender is going faster than the loop delivers (lws returns nonzero,
// "busy").
var ErrQueueFull = errors.New("smd: queue full")

// Send queues a message for every participant whose mask has its class
// (lws_smd_msg_send); delivery happens on the loop's next turn. It may be
// called from any goroutine.
func (b *Bus) Send(class Class, payload []byte) error {
	if len(payload) > MaxPayload {
		return fmt.Errorf("%w (%d)", ErrTooBig, len(payload))
	}
	if class == 0 || class&(class-1) != 0 {
		return fmt.Errorf("smd: a message has exactly one class, not 0x%x", uint32(class))
	}
	depth := b.QueueDepth
	if depth <= 0 {
		depth = DefaultQueueDepth
	}
	b.mu.Lock()
	if len(b.queue) >= depth {
		b.mu.Unlock()
		return fmt.Errorf("%w (%d waiting)", ErrQueueFull, depth)
	}
	b.seq++
	b.queue = append(b.queue, message{b.seq, class, time.Now(), append([]byte(nil), payload...)})
	post := !b.pending
	b.pending = true
	b.mu.Unlock()
	if post {
		b.ctx.Do(b.deliver)
	}
	return nil
}

// Printf sends a formatted payload (lws_smd_msg_printf).
func (b *Bus) Printf(class Class, format string, args ...any) error {
	return b.Send(class, fmt.Appendf(nil, format, args...))
}

// deliver hands out what is queued, in order; messages sent meanwhile wait
// for the next turn.
func (b *Bus) deliver() {
	b.mu.Lock()
	q := b.queue
	b.queue, b.pending = nil, false
	b.mu.Unlock()
	// One snapshot serves the batch: a peer that registers meanwhile is
	// past every message in it (since), one that leaves is marked gone.
	peers := append([]*Peer(nil), b.peers...)
	for _, m := range q {
		for _, p := range peers {
			if p.gone || p.mask&m.class == 0 || m.seq <= p.since {
				continue
			}
			if r := p.cb(m.class, m.ts, m.payload); r != 0 {
				b.ctx.Logger().Debug("smd: participant returned nonzero", "class", uint32(m.class), "ret", r)
			}
		}
	}
}
