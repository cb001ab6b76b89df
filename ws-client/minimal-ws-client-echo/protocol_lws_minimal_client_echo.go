// The echo client protocol, the client side of Autobahn-style testing: it
// echoes every fragment the server sends, keeping fragmentation and message
// type, through a per-connection 1024-slot ring with rx flow control. It
// mirrors the protocol in lws's minimal-ws-client-echo; the same file builds
// as a plugin.
package main

import (
	"fmt"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ring"
)

const clientRingDepth = 1024

type echoMsg struct {
	payload              []byte
	binary, first, final bool
}

// echoVhd is per vhost: the ring (one connection at a time, as in lws),
// and what a -o run reports.
type echoVhd struct {
	ring           *ring.Ring[echoMsg]
	tail           ring.Tail
	flowControlled bool
	echoedFinal    bool // a final fragment went back (-o success)
	connectFailed  bool
}

func callbackClientEcho(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*echoVhd)
	ctx := c.Context()
	log := ctx.Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&echoVhd{ring: ring.New[echoMsg](clientRingDepth, nil)})

	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s", in)
		v.connectFailed = true
		ctx.Stop()

	case lws.ReasonClientEstablished:
		logs.Userf(log, "established")

	case lws.ReasonClientReceive:
		if v.ring.FreeCount() == 0 {
			logs.Errf(log, "ring full, dropping")
			return nil
		}
		v.ring.Insert(echoMsg{append([]byte(nil), in...), c.FrameIsBinary(), c.IsFirstFragment(), c.IsFinalFragment()})
		c.CallbackOnWritable()
		if v.ring.FreeCount() < 3 && !v.flowControlled {
			v.flowControlled = true
			c.RxFlowControl(false) // stop reading until the echoes catch up
		}

	case lws.ReasonClientWriteable:
		m := v.ring.Get(&v.tail)
		if m == nil {
			return nil
		}
		if _, err := c.Write(m.payload, lws.WriteWSFlags(m.binary, m.first, m.final)); err != nil {
			return fmt.Errorf("echo client: write: %w", err)
		}
		if m.final {
			v.echoedFinal = true
		}
		v.ring.ConsumeSingleTail(&v.tail, nil, 1)
		if v.ring.Get(&v.tail) != nil {
			c.CallbackOnWritable()
		}
		if v.flowControlled && v.ring.FreeCount() > clientRingDepth-5 {
			v.flowControlled = false
			c.RxFlowControl(true)
		}

	case lws.ReasonClientClosed:
		ctx.Stop()
	}
	return nil
}

// ProtocolClientEcho is the protocol table entry (no subprotocol is asked
// for; this is the local protocol the connection binds to).
var ProtocolClientEcho = &lws.Protocol{Name: "lws-minimal-client-echo", Callback: callbackClientEcho, RxBufferSize: 4096}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "lws-minimal-client-echo", Protocols: []*lws.Protocol{ProtocolClientEcho}}

func init() { lws.RegisterPlugin(LwsPlugin) }
