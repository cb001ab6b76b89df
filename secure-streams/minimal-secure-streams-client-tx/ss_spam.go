// The user side of the "spam" stream of lws's
// minimal-secure-streams-client-tx: numbered packets of 80 bytes, one per
// tx opportunity, paced by a timer; the run is done when the last one has
// come back from the echo peer.
package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ss"
)

// packetSize is lws's: 80 bytes.
const packetSize = 80

// spam is the stream's user object.
type spam struct {
	packets  int           // how many to send (lws: 1000)
	interval time.Duration // between packets (lws: 50 ms)
	sent     int
	ok       bool
	pace     lws.Sul
	done     func()
}

// packet n is "NNNNNN:" and random hex, 80 bytes in all; numbered so the
// echo of the last one is recognisable.
func packet(n int) []byte {
	p := fmt.Appendf(nil, "%06d:", n)
	r := make([]byte, (packetSize-len(p)+1)/2)
	_, _ = rand.Read(r)
	return fmt.Appendf(p, "%x", r)[:packetSize]
}

func (m *spam) Rx(h *ss.Handle, buf []byte, flags ss.Flags) ss.Result {
	if bytes.HasPrefix(buf, fmt.Appendf(nil, "%06d:", m.packets-1)) {
		logs.Userf(h.Streams().Logger(), "the last packet came back: done")
		m.ok = true
		m.done()
	}
	return ss.ResultOK
}

// Tx sends the next packet: each is a message of its own.
func (m *spam) Tx(h *ss.Handle, ord uint32, buf []byte) (int, ss.Flags, ss.Result) {
	if m.sent >= m.packets {
		return 0, 0, ss.ResultTxDontSend
	}
	n := copy(buf, packet(m.sent))
	m.sent++
	if m.sent%100 == 0 || m.sent == m.packets {
		logs.Userf(h.Streams().Logger(), "sent %d packets", m.sent)
	}
	if m.sent < m.packets {
		h.Streams().Context().Schedule(&m.pace, m.interval, func(*lws.Sul) { h.RequestTx() })
	}
	return n, ss.FlagSOM | ss.FlagEOM, ss.ResultOK
}

func (m *spam) State(h *ss.Handle, st ss.State, ack uint32) ss.Result {
	logs.Userf(h.Streams().Logger(), "spam_state: %s", st)
	switch st {
	case ss.StateCreating:
		_ = h.ClientConnect()
	case ss.StateConnected:
		// (Re)connected onward: go on from where we are; packets sent
		// into a link that broke are lost, as in lws.
		h.RequestTx()
	case ss.StateAllRetriesFailed:
		m.done()
	}
	return ss.ResultOK
}
