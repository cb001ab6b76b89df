// The "lws-minimal" protocol: a chat shared by every connection on a vhost
// (the same file as minimal-ws-server's; only the runner turns deflate on).
// This file mirrors lws's protocol_lws_minimal.c. It is compiled into the
// example, and the same file builds as a plugin that lwsws loads
// (docs/PLUGINS.md), which is why it only exports the protocol and the
// plugin descriptor and keeps everything else private.
package main

import (
	"fmt"
	"slices"

	"github.com/lws-go/lws-go/lws"
)

// minimalVhd is the per-vhost data (vhd): the live sessions and the one
// message being broadcast. lws keeps only the newest message; a client that
// is slower than the senders skips to it.
type minimalVhd struct {
	sessions []*minimalPss
	msg      []byte
	current  int // number of the cached message
}

// minimalPss is the per-session data (pss) of one connection.
type minimalPss struct {
	conn    *lws.Conn
	last    int    // number of the last message this connection sent
	partial []byte // this connection's message still arriving in pieces
}

func callbackMinimal(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*minimalPss)
	vhd, _ := c.ProtocolData().(*minimalVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		// lws_protocol_vh_priv_zalloc: one vhd per vhost using the protocol.
		c.SetProtocolData(&minimalVhd{})

	case lws.ReasonEstablished:
		// Join the vhd's list of live sessions, starting at the current
		// message so a newcomer does not receive the previous one.
		pss.conn = c
		pss.last = vhd.current
		vhd.sessions = append(vhd.sessions, pss)

	case lws.ReasonClosed:
		for i, s := range vhd.sessions {
			if s == pss {
				vhd.sessions = slices.Delete(vhd.sessions, i, i+1) // clears the freed slot: the backing array keeps no reference
				break
			}
		}

	case lws.ReasonServerWriteable:
		// Writeable callbacks can arrive unasked: send only what is new.
		if vhd.msg == nil || pss.last == vhd.current {
			return nil
		}
		if _, err := c.Write(vhd.msg, lws.WriteText); err != nil {
			return fmt.Errorf("lws-minimal: write: %w", err)
		}
		pss.last = vhd.current

	case lws.ReasonReceive:
		// A message longer than RxBufferSize arrives in pieces; collect
		// them until the final one. Pieces of other connections' messages
		// can come in between, so each connection collects its own.
		if c.IsFirstFragment() {
			pss.partial = nil
		}
		pss.partial = append(pss.partial, in...)
		if !c.IsFinalFragment() {
			return nil
		}
		// Keep the newest message (the connection hands its pieces over)
		// and ask every session for a writeable callback; nobody writes
		// from here (lws's writeable discipline).
		vhd.msg, pss.partial = pss.partial, nil
		vhd.current++
		for _, s := range vhd.sessions {
			s.conn.CallbackOnWritable()
		}
	}
	return nil
}

// ProtocolLwsMinimal is the protocol table entry, the mirror of
// LWS_PLUGIN_PROTOCOL_MINIMAL.
var ProtocolLwsMinimal = &lws.Protocol{
	Name:         "lws-minimal",
	Callback:     callbackMinimal,
	NewSession:   func() any { return &minimalPss{} },
	RxBufferSize: 128,
}

// LwsPlugin describes this file when it is built as a plugin
// (-buildmode=plugin) or linked into lwsws; init registers it for the
// linked-in case (lws's LWS_PLUGIN_STATIC).
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "lws-minimal",
	Protocols: []*lws.Protocol{ProtocolLwsMinimal},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
