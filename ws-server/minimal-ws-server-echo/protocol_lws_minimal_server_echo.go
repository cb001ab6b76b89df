// The "lws-minimal-server-echo" protocol: every fragment a client sends is
// queued in a per-connection ring and written back with the same
// first/final/binary flags, so fragmentation and message types survive the
// echo. It mirrors lws's protocol_lws_minimal_server_echo.c, the Autobahn
// target; the same file builds as a plugin for lwsws.
package main

import (
	"fmt"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/ring"
)

// echoRingDepth is how many fragments may wait to be echoed per connection.
const echoRingDepth = 4096

// echoMsg is one received fragment and its flags.
type echoMsg struct {
	payload              []byte
	binary, first, final bool
}

// echoVhd is the per-vhost data: the -o ("once") option from the pvo and
// the result the runner reports.
type echoVhd struct {
	once      bool
	completed bool
}

// echoPss is the per-session data.
type echoPss struct {
	ring           *ring.Ring[echoMsg]
	tail           ring.Tail
	flowControlled bool // reading paused because the ring is nearly full
	completed      bool // a whole message went back (for -o)
}

func callbackServerEcho(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*echoPss)
	vhd, _ := c.ProtocolData().(*echoVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&echoVhd{once: c.Options()["options"] == "1"})

	case lws.ReasonEstablished:
		pss.ring = ring.New[echoMsg](echoRingDepth, nil)

	case lws.ReasonServerWriteable:
		m := pss.ring.Get(&pss.tail)
		if m == nil {
			return nil // an unasked-for writeable: nothing waits
		}
		if _, err := c.Write(m.payload, lws.WriteWSFlags(m.binary, m.first, m.final)); err != nil {
			return fmt.Errorf("echo: write: %w", err)
		}
		if vhd.once && m.final {
			pss.completed = true
		}
		// lws defers this consume to the next writeable because its
		// deflate may still hold the data; gorilla compresses inside the
		// write, so the fragment is done with now.
		pss.ring.ConsumeSingleTail(&pss.tail, nil, 1)
		if pss.ring.WaitingCount(&pss.tail) > 0 {
			c.CallbackOnWritable()
		}
		if pss.flowControlled && pss.ring.FreeCount() > echoRingDepth-5 {
			c.RxFlowControl(true)
			pss.flowControlled = false
		}

	case lws.ReasonReceive:
		free := pss.ring.FreeCount()
		if free == 0 {
			c.Context().Logger().Warn("echo: ring full, dropping")
			return nil
		}
		pss.ring.Insert(echoMsg{
			payload: append([]byte(nil), in...),
			binary:  c.FrameIsBinary(),
			first:   c.IsFirstFragment(),
			final:   c.IsFinalFragment(),
		})
		c.CallbackOnWritable()
		// Nearly full: stop reading until the echoes catch up (TCP then
		// pushes back on the client).
		if free < 3 && !pss.flowControlled {
			pss.flowControlled = true
			c.RxFlowControl(false)
		}

	case lws.ReasonClosed:
		if vhd.once {
			vhd.completed = pss.completed
			c.Context().Stop() // -o: one connection, then exit
		}
	}
	return nil
}

// serverEchoCompleted reports, after an -o run, whether a whole message was
// echoed.
func serverEchoCompleted(vh *lws.Vhost, p *lws.Protocol) bool {
	vhd, _ := vh.ProtocolData(p).(*echoVhd)
	return vhd != nil && vhd.completed
}

// ProtocolLwsMinimalServerEcho is the protocol table entry
// (LWS_PLUGIN_PROTOCOL_MINIMAL_SERVER_ECHO): 1024-byte rx pieces.
var ProtocolLwsMinimalServerEcho = &lws.Protocol{
	Name:         "lws-minimal-server-echo",
	Callback:     callbackServerEcho,
	NewSession:   func() any { return &echoPss{} },
	RxBufferSize: 1024,
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "lws-minimal-server-echo",
	Protocols: []*lws.Protocol{ProtocolLwsMinimalServerEcho},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
