// Package seq is lws's sequencer (lws_seq_*): an object on a context's
// loop that runs a multi-step job as a state machine driven by events,
// its own and those of what it owns: CREATED when it starts, TIMED_OUT
// when its step timer expires, a HEARTBEAT once a second, the state changes
// of Secure Streams bound to it (SSStateBase + the state), and the user's
// own events from UserBase up. Events are queued and delivered on a later
// turn of the loop, never from inside QueueEvent.
package seq

import (
	"errors"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// Event is what a sequencer's callback is told: the mirror of
// lws_seq_events_t, with lws's values.
type Event int

// Sequencer events, as LWSSEQ_* in lws.
const (
	Created      Event = 0   // LWSSEQ_CREATED: the sequencer just started
	Destroyed    Event = 1   // LWSSEQ_DESTROYED: the last event
	TimedOut     Event = 2   // LWSSEQ_TIMED_OUT: SetTimeout expired
	Heartbeat    Event = 3   // LWSSEQ_HEARTBEAT: once a second
	WSIConnected Event = 4   // LWSSEQ_WSI_CONNECTED
	WSIConnFail  Event = 5   // LWSSEQ_WSI_CONN_FAIL
	WSIConnClose Event = 6   // LWSSEQ_WSI_CONN_CLOSE
	SSStateBase  Event = 7   // LWSSEQ_SS_STATE_BASE: + a bound stream's state
	UserBase     Event = 100 // LWSSEQ_USER_BASE: the user's events start here
)

// Result is what the callback returns (lws_seq_cb_return_t).
type Result int

// Callback results.
const (
	Continue Result = 0 // LWSSEQ_RET_CONTINUE
	Destroy  Result = 1 // LWSSEQ_RET_DESTROY: the sequence is finished
)

// Func is a sequencer's callback. data and aux are what QueueEvent was
// given (for stream states, data is the stream's handle).
type Func func(s *Sequencer, event Event, data, aux any) Result

// Info describes a sequencer (lws_seq_info_t).
type Info struct {
	Name     string
	Callback Func
	// User is the sequencer's own state (lws allocates user_size bytes).
	User any
}

// Sequencer is one sequencer (struct lws_sequencer).
type Sequencer struct {
	ctx       *lws.Context
	info      Info
	timeout   lws.Sul
	heartbeat lws.Sul
	destroyed bool
}

// New creates a sequencer and queues its CREATED event (lws_seq_create).
// Call it on the loop or before Run.
func New(c *lws.Context, info Info) (*Sequencer, error) {
	if info.Callback == nil {
		return nil, errors.New("seq: no callback")
	}
	s := &Sequencer{ctx: c, info: info}
	s.QueueEvent(Created, nil, nil)
	c.Schedule(&s.heartbeat, time.Second, s.beat)
	c.OnDestroy(s.Destroy)
	return s, nil
}

func (s *Sequencer) beat(*lws.Sul) {
	if s.destroyed {
		return
	}
	s.deliver(Heartbeat, nil, nil)
	if !s.destroyed {
		s.ctx.Schedule(&s.heartbeat, time.Second, s.beat)
	}
}

// QueueEvent queues an event for the callback (lws_seq_queue_event). It is
// goroutine-safe; the event arrives on the loop.
func (s *Sequencer) QueueEvent(e Event, data, aux any) {
	s.ctx.Do(func() { s.deliver(e, data, aux) })
}

func (s *Sequencer) deliver(e Event, data, aux any) {
	if s.destroyed {
		return
	}
	if s.info.Callback(s, e, data, aux) == Destroy {
		s.Destroy()
	}
}

// SetTimeout arms the step timer: TIMED_OUT after d; 0 cancels it
// (lws_seq_timeout_us). Call it on the loop.
func (s *Sequencer) SetTimeout(d time.Duration) {
	if d <= 0 {
		s.ctx.CancelSul(&s.timeout)
		return
	}
	s.ctx.Schedule(&s.timeout, d, func(*lws.Sul) { s.deliver(TimedOut, nil, nil) })
}

// Destroy ends the sequencer: DESTROYED is its last event
// (lws_seq_destroy). Call it on the loop.
func (s *Sequencer) Destroy() {
	if s.destroyed {
		return
	}
	s.ctx.CancelSul(&s.timeout)
	s.ctx.CancelSul(&s.heartbeat)
	_ = s.info.Callback(s, Destroyed, nil, nil)
	s.destroyed = true
}

// Name is the sequencer's name (lws_seq_name).
func (s *Sequencer) Name() string { return s.info.Name }

// User is Info.User (lws_seq_user).
func (s *Sequencer) User() any { return s.info.User }

// Context is the context the sequencer runs on (lws_seq_get_context).
func (s *Sequencer) Context() *lws.Context { return s.ctx }

// Destroyed reports whether the sequencer has ended.
func (s *Sequencer) Destroyed() bool { return s.destroyed }
