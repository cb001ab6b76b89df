// The "lws-minimal-broker" protocol: a publish/subscribe broker. Connections
// opened on the path /publisher publish; all others subscribe. Published
// text goes through an 8-slot ring in the vhd to the subscribers only, and
// is dropped when nobody subscribes. It mirrors lws's minimal-ws-broker
// protocol; the same file builds as a plugin for lwsws.
package main

import (
	"fmt"
	"slices"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/ring"
)

type brokerVhd struct {
	subscribers []*brokerPss
	ring        *ring.Ring[[]byte]
}

type brokerPss struct {
	conn      *lws.Conn
	tail      ring.Tail
	publisher bool
	partial   []byte // a publisher's message still arriving in pieces
}

func (vhd *brokerVhd) tails(yield func(ring.Tail) bool) {
	for _, s := range vhd.subscribers {
		if !yield(s.tail) {
			return
		}
	}
}

func callbackBroker(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*brokerPss)
	vhd, _ := c.ProtocolData().(*brokerVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&brokerVhd{ring: ring.New[[]byte](8, nil)})

	case lws.ReasonEstablished:
		// The request path decides the role; headers are only readable
		// here, before lws would detach them.
		pss.conn = c
		pss.publisher = c.Path() == "/publisher"
		if !pss.publisher {
			pss.tail = vhd.ring.OldestTail()
			vhd.subscribers = append(vhd.subscribers, pss)
		}

	case lws.ReasonClosed:
		if pss.publisher {
			return nil
		}
		vhd.subscribers = slices.DeleteFunc(vhd.subscribers, func(s *brokerPss) bool { return s == pss })
		// Whatever only this subscriber still needed is freed now.
		vhd.ring.Leave(pss.tail, vhd.tails)

	case lws.ReasonServerWriteable:
		if pss.publisher {
			return nil
		}
		msg := vhd.ring.Get(&pss.tail)
		if msg == nil {
			return nil
		}
		if _, err := c.Write(*msg, lws.WriteText); err != nil {
			return fmt.Errorf("broker: write: %w", err)
		}
		vhd.ring.ConsumeAndUpdateOldest(&pss.tail, 1, vhd.tails)
		if vhd.ring.Get(&pss.tail) != nil {
			c.CallbackOnWritable()
		}

	case lws.ReasonReceive:
		if !pss.publisher {
			return nil // subscribers do not publish
		}
		// Pieces of other publishers' messages can come in between:
		// each publisher collects its own.
		if c.IsFirstFragment() {
			pss.partial = nil
		}
		pss.partial = append(pss.partial, in...)
		if !c.IsFinalFragment() {
			return nil
		}
		msg := pss.partial
		pss.partial = nil
		if len(vhd.subscribers) == 0 {
			return nil // nobody listens: dropped
		}
		if vhd.ring.Insert(msg) == 0 {
			c.Context().Logger().Warn("broker: ring full, dropping")
			return nil
		}
		for _, s := range vhd.subscribers {
			s.conn.CallbackOnWritable()
		}
	}
	return nil
}

// ProtocolLwsMinimalBroker is the protocol table entry.
var ProtocolLwsMinimalBroker = &lws.Protocol{
	Name:       "lws-minimal-broker",
	Callback:   callbackBroker,
	NewSession: func() any { return &brokerPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "lws-minimal-broker",
	Protocols: []*lws.Protocol{ProtocolLwsMinimalBroker},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
