// The "lws-minimal-proxy" protocol: one callback serving both sides. As a
// ws client it holds a connection to a dumb-increment-protocol server
// (retried every second); every number it receives goes into an 8-slot
// ring and out to every browser connected to it as a ws server (dropped
// while none is). It mirrors lws's minimal-ws-proxy protocol_lws_minimal.c;
// the same file builds as a plugin.
package main

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ring"
)

type proxyVhd struct {
	upstream lws.ClientConnectInfo
	connect  lws.Sul
	browsers []*proxyPss
	ring     *ring.Ring[[]byte]
}

type proxyPss struct {
	conn *lws.Conn
	tail ring.Tail
}

func (v *proxyVhd) tails(yield func(ring.Tail) bool) {
	for _, b := range v.browsers {
		if !yield(b.tail) {
			return
		}
	}
}

// attempt connects upstream, retrying every second (lws's
// sul_connect_attempt).
func (v *proxyVhd) attempt(ctx *lws.Context) {
	if _, err := ctx.ClientConnect(v.upstream); err != nil {
		logs.Errf(ctx.Logger(), "upstream connect: %v", err)
		v.retry(ctx)
	}
}

func (v *proxyVhd) retry(ctx *lws.Context) {
	ctx.Schedule(&v.connect, time.Second, func(*lws.Sul) { v.attempt(ctx) })
}

func callbackProxy(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*proxyPss)
	v, _ := c.ProtocolData().(*proxyVhd)
	ctx := c.Context()

	switch reason {
	// --- protocol lifecycle ---
	case lws.ReasonProtocolInit:
		o := c.Options()
		port, _ := strconv.Atoi(o["port"])
		v = &proxyVhd{
			upstream: lws.ClientConnectInfo{Address: o["address"], Port: port, Path: "/", Host: o["address"],
				Origin: o["address"], Protocol: "dumb-increment-protocol", LocalProtocolName: "lws-minimal-proxy", Vhost: c.Vhost()},
			ring: ring.New[[]byte](8, nil),
		}
		c.SetProtocolData(v)
		v.attempt(ctx)

	case lws.ReasonProtocolDestroy:
		ctx.CancelSul(&v.connect)

	// --- the server side: browsers ---
	case lws.ReasonEstablished:
		pss.conn, pss.tail = c, v.ring.OldestTail()
		v.browsers = append(v.browsers, pss)

	case lws.ReasonClosed:
		v.browsers = slices.DeleteFunc(v.browsers, func(b *proxyPss) bool { return b == pss })
		v.ring.Leave(pss.tail, v.tails)

	case lws.ReasonServerWriteable:
		msg := v.ring.Get(&pss.tail)
		if msg == nil {
			return nil
		}
		if _, err := c.Write(*msg, lws.WriteText); err != nil {
			return fmt.Errorf("proxy: write: %w", err)
		}
		v.ring.ConsumeAndUpdateOldest(&pss.tail, 1, v.tails)
		if v.ring.Get(&pss.tail) != nil {
			c.CallbackOnWritable()
		}

	// --- the client side: upstream ---
	case lws.ReasonClientConnectionError:
		logs.Errf(ctx.Logger(), "CLIENT_CONNECTION_ERROR: %s", in)
		v.retry(ctx)

	case lws.ReasonClientEstablished:
		logs.Userf(ctx.Logger(), "upstream established")

	case lws.ReasonClientReceive:
		if len(v.browsers) == 0 {
			return nil // nobody to pass it to
		}
		if v.ring.FreeCount() == 0 {
			ctx.Logger().Warn("proxy: ring full, dropping")
			return nil
		}
		v.ring.Insert(append([]byte(nil), in...))
		for _, b := range v.browsers {
			b.conn.CallbackOnWritable()
		}

	case lws.ReasonClientClosed:
		logs.Userf(ctx.Logger(), "upstream closed")
		v.retry(ctx)
	}
	return nil
}

// ProtocolLwsMinimalProxy is the protocol table entry.
var ProtocolLwsMinimalProxy = &lws.Protocol{
	Name:       "lws-minimal-proxy",
	Callback:   callbackProxy,
	NewSession: func() any { return &proxyPss{} },
}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "lws-minimal-proxy", Protocols: []*lws.Protocol{ProtocolLwsMinimalProxy}}

func init() { lws.RegisterPlugin(LwsPlugin) }
