// The "lws-minimal-client" protocol: a nailed-up ws client. It connects at
// PROTOCOL_INIT, hexdumps what it receives, and when the connection fails
// or closes it reconnects on the retry policy's backoff (1, 2, 3, 4, 5 s
// plus 20% jitter), giving up after five failures in a row. It mirrors the
// client in lws's minimal-ws-client.c; the same file builds as a plugin.
package main

import (
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// retryPolicy is lws's example policy: five backoff steps, all concealed,
// then give up; ping after 3 s of silence, hang up after 10 s.
var retryPolicy = &lws.RetryBackoff{
	RetryMs:              []uint32{1000, 2000, 3000, 4000, 5000},
	ConcealCount:         5,
	SecsSinceValidPing:   3,
	SecsSinceValidHangup: 10,
	JitterPercent:        20,
}

// clientVhd is the per-vhost data: where to connect, and the retry state
// (lws keeps these in a struct next to the sul).
type clientVhd struct {
	info   lws.ClientConnectInfo
	retry  lws.Sul
	tries  uint16 // consecutive failures
	gaveUp bool   // the policy stopped concealing failures
}

// connect is the retry sul's callback (lws's connect_client).
func (vhd *clientVhd) connect(ctx *lws.Context) {
	if _, err := ctx.ClientConnect(vhd.info); err != nil {
		logs.Errf(ctx.Logger(), "connect: %v", err)
		vhd.retryOrGiveUp(ctx)
	}
}

// retryOrGiveUp schedules the next attempt, or stops once the policy no
// longer conceals failures.
func (vhd *clientVhd) retryOrGiveUp(ctx *lws.Context) {
	if !ctx.RetrySchedule(&vhd.retry, retryPolicy, &vhd.tries, func(*lws.Sul) { vhd.connect(ctx) }) {
		logs.Errf(ctx.Logger(), "connection attempts exhausted")
		vhd.gaveUp = true
		ctx.Stop()
	}
}

func callbackMinimalClient(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	vhd, _ := c.ProtocolData().(*clientVhd)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		// The runner hands the target over as per-vhost options.
		o := c.Options()
		port, _ := strconv.Atoi(o["port"])
		flags, _ := strconv.Atoi(o["ssl-flags"])
		vhd = &clientVhd{info: lws.ClientConnectInfo{
			Address:           o["address"],
			Port:              port,
			Path:              "/",
			Host:              o["address"],
			Origin:            o["address"],
			Protocol:          o["protocol"],
			LocalProtocolName: "lws-minimal-client",
			SSLConnection:     lws.ClientSSL(flags),
			Vhost:             c.Vhost(),
			RetryPolicy:       retryPolicy,
		}}
		c.SetProtocolData(vhd)
		ctx := c.Context()
		ctx.Schedule(&vhd.retry, time.Millisecond, func(*lws.Sul) { vhd.connect(ctx) })

	case lws.ReasonProtocolDestroy:
		c.Context().CancelSul(&vhd.retry)

	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s", in)
		vhd.retryOrGiveUp(c.Context())

	case lws.ReasonClientEstablished:
		logs.Userf(log, "established")
		vhd.tries = 0 // the failures counted are consecutive ones

	case lws.ReasonClientReceive:
		logs.Hexdump(log, logs.LevelNotice, in)

	case lws.ReasonClientClosed:
		logs.Userf(log, "closed")
		vhd.retryOrGiveUp(c.Context())
	}
	return nil
}

// ProtocolLwsMinimalClient is the protocol table entry.
var ProtocolLwsMinimalClient = &lws.Protocol{
	Name:     "lws-minimal-client",
	Callback: callbackMinimalClient,
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "lws-minimal-client",
	Protocols: []*lws.Protocol{ProtocolLwsMinimalClient},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
