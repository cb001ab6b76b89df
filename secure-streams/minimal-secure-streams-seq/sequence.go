// The sequencer of lws's minimal-secure-streams-seq: it creates the stream
// and hears the stream's states as events; the stream tells it, with a user
// event, when the whole reply has arrived.
package main

import (
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/seq"
	"github.com/lws-go/lws-go/lws/ss"
)

// gotPayload is the event the stream sends its sequencer on EOM.
const gotPayload = seq.UserBase

// myseq is the sequencer's own state (lws's myseq_t).
type myseq struct {
	streams    *ss.Streams
	streamtype string
	ok, done   bool
}

func sequencerCallback(s *seq.Sequencer, e seq.Event, data, aux any) seq.Result {
	m := s.User().(*myseq)
	log := s.Context().Logger()
	switch {
	case e == seq.Created:
		logs.Noticef(log, "min_sec_str_sequencer_cb: LWSSEQ_CREATED")
		// The stream is bound to the sequencer: it hears its states.
		if _, err := m.streams.Create(ss.Info{Streamtype: m.streamtype, User: &myss{seq: s}, Seq: s}); err != nil {
			logs.Errf(log, "failed to create secure stream: %v", err)
			m.done = true
			s.Context().Stop()
			return seq.Destroy
		}
	case e == seq.Destroyed:
		logs.Noticef(log, "min_sec_str_sequencer_cb: LWSSEQ_DESTROYED")
	case e >= seq.SSStateBase && e < seq.UserBase:
		st := ss.State(e - seq.SSStateBase)
		logs.Noticef(log, "min_sec_str_sequencer_cb: seq %s", st)
		if st == ss.StateAllRetriesFailed {
			m.done = true
			s.Context().Stop()
		}
	case e == gotPayload:
		// The stream had the whole payload: the sequence succeeded.
		m.ok, m.done = true, true
		s.Context().Stop()
		return seq.Destroy
	}
	return seq.Continue
}

// myss is the stream's user object: it reports the end of the payload to
// its sequencer and, for minpost, sends a small form.
type myss struct {
	seq  *seq.Sequencer
	sent bool
}

func (m *myss) Rx(h *ss.Handle, buf []byte, flags ss.Flags) ss.Result {
	log := h.Streams().Logger()
	logs.Userf(log, "myss_rx: len %d, flags: %d", len(buf), flags)
	logs.Hexdump(log, logs.LevelInfo, buf)
	if flags&ss.FlagEOM != 0 {
		m.seq.QueueEvent(gotPayload, nil, nil)
	}
	return ss.ResultOK
}

func (m *myss) Tx(h *ss.Handle, ord uint32, buf []byte) (int, ss.Flags, ss.Result) {
	if m.sent {
		return 0, 0, ss.ResultTxDontSend
	}
	m.sent = true
	return copy(buf, "text=hello%20from%20ss&send=Send"), ss.FlagSOM | ss.FlagEOM, ss.ResultOK
}

func (m *myss) State(h *ss.Handle, st ss.State, ack uint32) ss.Result {
	logs.Userf(h.Streams().Logger(), "myss_state: %s, ord 0x%x", st, ack)
	if st == ss.StateCreating {
		h.RequestTx() // connects the opportunistic stream
	}
	return ss.ResultOK
}
