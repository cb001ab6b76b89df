package main

import (
	"bytes"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ss"
)

// atss is one test of the list (lws's atss_t): a streamtype, how much to
// POST, whether the peer is expected to refuse.
type atss struct {
	streamtype string
	send       int
	expectNack bool
}

var tests = []atss{
	{streamtype: "httpbin_get"},
	{streamtype: "httpbin_get404", expectNack: true},
	{streamtype: "httpbin_post", send: 4096},
}

// sequence runs the tests one after another, each stream created when the
// previous one ended well.
type sequence struct {
	tests   []atss
	next    int
	passed  bool
	streams *ss.Streams
	ctx     *lws.Context
}

func (q *sequence) start(c *lws.Context, s *ss.Streams) {
	q.ctx, q.streams = c, s
	q.create()
}

func (q *sequence) create() {
	t := &q.tests[q.next]
	if _, err := q.streams.Create(ss.Info{Streamtype: t.streamtype, User: &myss{q: q, test: t}}); err != nil {
		logs.Errf(q.ctx.Logger(), "failed to create secure stream: %v", err)
		q.ctx.Stop()
	}
}

// myss is one test's stream (lws's myss_t).
type myss struct {
	q         *sequence
	test      *atss
	payload   bytes.Buffer
	sent      int
	seenEOM   bool
	endedWell bool
}

func (m *myss) Rx(h *ss.Handle, buf []byte, flags ss.Flags) ss.Result {
	m.payload.Write(buf)
	if flags&ss.FlagEOM != 0 {
		m.seenEOM = true
	}
	return ss.ResultOK
}

// Tx sends the POST body: 0x55 bytes, as much as fits each time.
func (m *myss) Tx(h *ss.Handle, ord uint32, buf []byte) (int, ss.Flags, ss.Result) {
	budget := m.test.send - m.sent
	if budget == 0 {
		return 0, 0, ss.ResultTxDontSend
	}
	budget = min(budget, len(buf))
	var flags ss.Flags
	if m.sent == 0 {
		flags |= ss.FlagSOM
	}
	for i := range budget {
		buf[i] = 0x55
	}
	m.sent += budget
	if m.sent < m.test.send {
		h.RequestTx()
	} else {
		flags |= ss.FlagEOM
	}
	return budget, flags, ss.ResultOK
}

func (m *myss) State(h *ss.Handle, st ss.State, ack uint32) ss.Result {
	log := h.Streams().Logger()
	logs.Noticef(log, "myss_state: %s: %s, ord 0x%x", m.test.streamtype, st, ack)
	q := m.q
	switch st {
	case ss.StateCreating:
		_ = h.ClientConnect()
		if m.test.send > 0 {
			h.RequestTxLen(m.test.send)
		}
	case ss.StateAllRetriesFailed:
		logs.Noticef(log, "Connection failed")
		q.ctx.Stop()
	case ss.StateQOSNackRemote:
		if !m.test.expectNack {
			logs.Noticef(log, "remote NACK")
			q.ctx.Stop()
			break
		}
		m.happy()
	case ss.StateQOSAckRemote:
		// The transaction went through, the payload ended with EOM, and
		// the reply holds at least 200 bytes plus what was posted (the
		// echo of the body).
		if m.test.expectNack || !m.seenEOM || m.payload.Len() < 200+m.test.send ||
			(m.test.send > 0 && !bytes.Contains(m.payload.Bytes(), bytes.Repeat([]byte{0x55}, m.test.send))) {
			logs.Warnf(log, "ACK_REMOTE but eom %v, payload %d", m.seenEOM, m.payload.Len())
			q.ctx.Stop()
			return ss.ResultDestroyMe
		}
		m.happy()
	case ss.StateDisconnected:
		if !m.endedWell {
			logs.Warnf(log, "DISCONNECTED without good end")
			q.ctx.Stop()
		}
	}
	return ss.ResultOK
}

// happy moves on to the next test, or ends the run passed.
func (m *myss) happy() {
	q := m.q
	m.endedWell = true
	q.next++
	if q.next == len(q.tests) {
		logs.Noticef(q.ctx.Logger(), "completed all tests")
		q.passed = true
		q.ctx.Stop()
		return
	}
	q.create()
}
