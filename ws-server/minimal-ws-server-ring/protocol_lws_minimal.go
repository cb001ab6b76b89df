// The "lws-minimal" protocol over a ring: the chat of minimal-ws-server, but
// every message waits in an 8-slot multi-tail ring in the vhd, each session
// reading it through its own tail. When the ring is full because some
// sessions lag, those holding the oldest tail are disconnected so the rest
// can go on. It mirrors lws's minimal-ws-server-ring protocol_lws_minimal.c;
// the same file builds as a plugin for lwsws.
package main

import (
	"fmt"
	"slices"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/ring"
)

// ringDepth is lws's: a ring of 8 holds 7 messages.
const ringDepth = 8

// pendingTimeoutLagging names the timeout that kills a lagging session in
// logs (lws's PENDING_TIMEOUT_LAGGING).
const pendingTimeoutLagging = 14

type ringVhd struct {
	sessions []*ringPss
	ring     *ring.Ring[[]byte]
}

type ringPss struct {
	conn    *lws.Conn
	tail    ring.Tail
	culled  bool   // detached from the ring, closing
	partial []byte // this connection's message still arriving in pieces
}

// tails lists every live session's tail, for the ring's oldest-tail search.
func (vhd *ringVhd) tails(yield func(ring.Tail) bool) {
	for _, s := range vhd.sessions {
		if !yield(s.tail) {
			return
		}
	}
}

// drop removes a session and, if it held the oldest tail, hands the oldest
// to whoever has most waiting, so its backlog is freed at once.
func (vhd *ringVhd) drop(pss *ringPss) {
	vhd.sessions = slices.DeleteFunc(vhd.sessions, func(s *ringPss) bool { return s == pss })
	vhd.ring.Leave(pss.tail, vhd.tails)
}

// cullLaggingClients disconnects the sessions holding the oldest tail when
// the ring is full, freeing the slots only they still needed.
func (vhd *ringVhd) cullLaggingClients(c *lws.Conn) {
	oldest := vhd.ring.OldestTail()
	before := vhd.ring.WaitingCount(nil)
	for _, s := range slices.Clone(vhd.sessions) {
		if s.tail != oldest {
			continue
		}
		c.Context().Logger().Warn(fmt.Sprintf("Killing lagging client %s", s.conn.PeerAddr()))
		// We may be on that very connection, so close it at the next loop
		// turn (LWS_TO_KILL_ASYNC) and stop using its tail now.
		s.conn.SetTimeout(pendingTimeoutLagging, lws.TimeoutKillAsync)
		s.culled = true
		vhd.drop(s)
	}
	c.Context().Logger().Info(fmt.Sprintf("shrunk ring from %d to %d", before, vhd.ring.WaitingCount(nil)))
}

func callbackMinimal(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*ringPss)
	vhd, _ := c.ProtocolData().(*ringVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&ringVhd{ring: ring.New[[]byte](ringDepth, nil)})

	case lws.ReasonEstablished:
		// A newcomer starts at the oldest tail: it sees what is still held.
		pss.conn = c
		pss.tail = vhd.ring.OldestTail()
		vhd.sessions = append(vhd.sessions, pss)

	case lws.ReasonClosed:
		if !pss.culled {
			vhd.drop(pss)
		}

	case lws.ReasonServerWriteable:
		if pss.culled {
			return nil
		}
		msg := vhd.ring.Get(&pss.tail)
		if msg == nil {
			return nil
		}
		if _, err := c.Write(*msg, lws.WriteText); err != nil {
			return fmt.Errorf("lws-minimal: write: %w", err)
		}
		vhd.ring.ConsumeAndUpdateOldest(&pss.tail, 1, vhd.tails)
		if vhd.ring.Get(&pss.tail) != nil {
			c.CallbackOnWritable() // more waits for us
		}

	case lws.ReasonReceive:
		// Pieces of other connections' messages can come in between:
		// each connection collects its own.
		if c.IsFirstFragment() {
			pss.partial = nil
		}
		pss.partial = append(pss.partial, in...)
		if !c.IsFinalFragment() {
			return nil
		}
		msg := pss.partial
		pss.partial = nil
		if vhd.ring.FreeCount() == 0 {
			vhd.cullLaggingClients(c) // forcibly make space
		}
		if vhd.ring.Insert(msg) == 0 {
			c.Context().Logger().Warn("dropping!")
			return nil
		}
		for _, s := range vhd.sessions {
			s.conn.CallbackOnWritable()
		}
	}
	return nil
}

// ProtocolLwsMinimal is the protocol table entry (LWS_PLUGIN_PROTOCOL_MINIMAL).
var ProtocolLwsMinimal = &lws.Protocol{
	Name:       "lws-minimal",
	Callback:   callbackMinimal,
	NewSession: func() any { return &ringPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "lws-minimal-ring",
	Protocols: []*lws.Protocol{ProtocolLwsMinimal},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
