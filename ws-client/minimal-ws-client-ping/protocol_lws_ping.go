// The "lws-ping-test" protocol (the file is not named protocol_lws_ping_test.go
// because Go would take that for a test file): an idle client kept honest by validity
// pings. It sends nothing; the core pings the server after 3 s of silence
// and hangs up if nothing comes back within 10 s; when the connection fails
// or closes it tries again 5 s later. It mirrors the protocol in lws's
// minimal-ws-client-ping; the same file builds as a plugin.
package main

import (
	"context"
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// validity is lws's example policy: ping after 3 s idle, hang up after 10.
var validity = &lws.RetryBackoff{SecsSinceValidPing: 3, SecsSinceValidHangup: 10}

type pingVhd struct {
	info        lws.ClientConnectInfo
	retry       lws.Sul
	pongs       int
	established bool // the connection came up at least once
}

func (v *pingVhd) connect(ctx *lws.Context) {
	logs.Noticef(ctx.Logger(), "connecting")
	if _, err := ctx.ClientConnect(v.info); err != nil {
		v.later(ctx)
	}
}

// later tries again in 5 s, as lws's example does.
func (v *pingVhd) later(ctx *lws.Context) {
	ctx.Schedule(&v.retry, 5*time.Second, func(*lws.Sul) { v.connect(ctx) })
}

func callbackPingTest(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*pingVhd)
	ctx := c.Context()
	switch reason {
	case lws.ReasonProtocolInit:
		o := c.Options()
		port, _ := strconv.Atoi(o["port"])
		flags, _ := strconv.Atoi(o["ssl-flags"])
		v = &pingVhd{info: lws.ClientConnectInfo{
			Address: o["address"], Port: port, Path: "/", Host: o["address"], Origin: o["address"],
			Protocol: o["protocol"], LocalProtocolName: "lws-ping-test", SSLConnection: lws.ClientSSL(flags),
			Vhost: c.Vhost(), RetryPolicy: validity,
		}}
		c.SetProtocolData(v)
		ctx.Schedule(&v.retry, 100*time.Microsecond, func(*lws.Sul) { v.connect(ctx) })
	case lws.ReasonProtocolDestroy:
		ctx.CancelSul(&v.retry)
	case lws.ReasonClientConnectionError:
		logs.Errf(ctx.Logger(), "CLIENT_CONNECTION_ERROR: %s", in)
		v.later(ctx)
	case lws.ReasonClientEstablished:
		logs.Userf(ctx.Logger(), "established")
		v.established = true
	case lws.ReasonClientReceivePong:
		v.pongs++
		ctx.Logger().Log(context.Background(), logs.LevelInfo, "received pong "+strconv.Itoa(v.pongs)) // -d 1039 shows it
	case lws.ReasonClientClosed:
		logs.Userf(ctx.Logger(), "closed, retrying in 5 s")
		v.later(ctx)
	}
	return nil
}

// ProtocolPingTest is the protocol table entry.
var ProtocolPingTest = &lws.Protocol{Name: "lws-ping-test", Callback: callbackPingTest}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "lws-ping-test", Protocols: []*lws.Protocol{ProtocolPingTest}}

func init() { lws.RegisterPlugin(LwsPlugin) }
