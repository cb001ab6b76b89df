// The two SMD participants of lws's minimal-secure-streams-smd: a Secure
// Stream of the built-in type "_lws_smd", whose class filter admits only
// SYSTEM_STATE and NETWORK, and a direct participant on the bus that sees
// every class.
package main

import (
	"encoding/binary"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/smd"
	"github.com/lws-go/lws-go/lws/ss"
)

// counts are the figures lws's example checks at the end.
type counts struct {
	ssRx     int // messages the SS received (lws's count_p1)
	directRx int // messages the direct participant received (count_p2)
	tx       int // messages the SS sent (count_tx)
}

// myss is the "_lws_smd" stream's user object.
type myss struct {
	n         *counts
	alternate int
	pace      lws.Sul
}

func (m *myss) Rx(h *ss.Handle, buf []byte, flags ss.Flags) ss.Result {
	log := h.Streams().Logger()
	logs.Noticef(log, "myss_rx: len %d, flags: %d", len(buf), flags)
	logs.Hexdump(log, logs.LevelNotice, buf)
	m.n.ssRx++
	return ss.ResultOK
}

// Tx alternates NETWORK and INTERACTION messages, the fourth one a
// captive-portal check trigger. The SS's own filter keeps it from hearing
// the INTERACTION ones; the direct participant hears them all.
func (m *myss) Tx(h *ss.Handle, ord uint32, buf []byte) (int, ss.Flags, ss.Result) {
	log := h.Streams().Logger()
	logs.Noticef(log, "myss_tx: sending SS smd")
	m.alternate++
	class, payload := smd.Interaction, `{"class":"INTERACTION"}`
	if m.alternate&1 != 0 {
		class, payload = smd.Network, `{"class":"NETWORK"}`
	}
	if m.alternate == 4 {
		payload = `{"trigger": "cpdcheck", "src":"SS-test"}`
	}
	binary.BigEndian.PutUint64(buf, uint64(class))
	binary.BigEndian.PutUint64(buf[8:], 0) // the time stamp is the bus's to set
	n := ss.SMDHeader + copy(buf[ss.SMDHeader:], payload)
	m.n.tx++
	h.Streams().Context().Schedule(&m.pace, 250*time.Millisecond, func(*lws.Sul) { h.RequestTx() })
	return n, ss.FlagSOM | ss.FlagEOM, ss.ResultOK
}

func (m *myss) State(h *ss.Handle, st ss.State, ack uint32) ss.Result {
	switch st {
	case ss.StateDestroying:
		h.Streams().Context().CancelSul(&m.pace)
	case ss.StateConnected:
		logs.Noticef(h.Streams().Logger(), "myss_state: CONNECTED")
		h.RequestTx()
	}
	return ss.ResultOK
}

// direct is the non-SS participant: every class. At OPERATIONAL it sends a
// NETWORK message itself and creates the SS link to the bus.
func direct(bus *smd.Bus, streams func() *ss.Streams, n *counts, log func(string, ...any)) smd.Func {
	return func(class smd.Class, ts time.Time, payload []byte) int {
		log("direct_smd_cb: class: 0x%x, ts: %d %s", uint32(class), ts.UnixMicro(), payload)
		n.directRx++
		if class == smd.SystemState && string(payload) == `{"state":"OPERATIONAL"}` {
			_ = bus.Printf(smd.Network, `{"trigger": "cpdcheck", "src":"direct-test"}`)
			// The SS's class filter goes in as its initial tx credit,
			// as in lws: SYSTEM_STATE and NETWORK, not INTERACTION.
			if _, err := streams().Create(ss.Info{Streamtype: ss.SMDStreamtype, User: &myss{n: n},
				ManualInitialTxCredit: int(smd.SystemState | smd.Network)}); err != nil {
				log("failed to create secure stream: %v", err)
				return -1
			}
		}
		return 0
	}
}
