// The receive-only client side of "dumb-increment-protocol": it prints each
// number it receives and, in test mode, stops after ten. It mirrors the
// protocol in lws's minimal-ws-client-rx; the same file builds as a plugin.
package main

import (
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// rxVhd counts what arrived; test is the -t option from the pvo.
type rxVhd struct {
	seen int
	test bool
}

// rxSeen reports how many messages a finished run received.
func rxSeen(vh *lws.Vhost, p *lws.Protocol) int {
	if v, ok := vh.ProtocolData(p).(*rxVhd); ok {
		return v.seen
	}
	return 0
}

func callbackRx(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*rxVhd)
	log := c.Context().Logger()
	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&rxVhd{test: c.Options()["test"] == "1"})
	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s", in)
		c.Context().Stop()
	case lws.ReasonClientEstablished:
		logs.Userf(log, "established")
	case lws.ReasonClientReceive:
		logs.Userf(log, "RX: %s", in)
		v.seen++
		if v.test && v.seen == 10 {
			c.Context().Stop() // -t: ten is enough
		}
	case lws.ReasonClientClosed:
		c.Context().Stop()
	}
	return nil
}

// ProtocolDumbIncrementClient is the protocol table entry, named after the
// subprotocol it speaks, as in lws.
var ProtocolDumbIncrementClient = &lws.Protocol{Name: "dumb-increment-protocol", Callback: callbackRx}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "dumb-increment-client", Protocols: []*lws.Protocol{ProtocolDumbIncrementClient}}

func init() { lws.RegisterPlugin(LwsPlugin) }
