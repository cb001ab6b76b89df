// The spam client protocol: it keeps `concurrent` connections to an
// lws-mirror-protocol server open at a time, each sending one "hello N" and
// then closing itself, until `limit` connections have been made. It mirrors
// the protocol in lws's minimal-ws-client-spam.c; the same file builds as a
// plugin. The counters live in the vhd: everything runs on the loop.
package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// pendingTimeoutUserOK names the self-close timeout in logs (lws's
// PENDING_TIMEOUT_USER_OK).
const pendingTimeoutUserOK = 19

type spamVhd struct {
	info                             lws.ClientConnectInfo
	concurrent, limit                int
	tries, est, errors, closed, sent int
}

// counts is the progress line lws prints with every event.
func (v *spamVhd) counts() string {
	return fmt.Sprintf("(try %d, est %d, closed %d, err %d)", v.tries, v.est, v.closed, v.errors)
}

// connect opens one more connection unless the limit is reached.
func (v *spamVhd) connect(ctx *lws.Context) {
	if v.tries == v.limit {
		return
	}
	v.tries++
	if _, err := ctx.ClientConnect(v.info); err != nil {
		v.errors++
		logs.Errf(ctx.Logger(), "connect: %v", err)
	}
}

// finished reports whether every attempt has ended.
func (v *spamVhd) finished() bool { return v.tries == v.limit && v.closed+v.errors == v.tries }

// spamCompleted reports whether the run reached its limit with every
// connection closed cleanly (lws's "Completed").
func spamCompleted(vh *lws.Vhost, p *lws.Protocol) bool {
	v, _ := vh.ProtocolData(p).(*spamVhd)
	return v != nil && v.tries == v.limit && v.closed == v.tries
}

func callbackSpam(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*spamVhd)
	ctx := c.Context()
	log := ctx.Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		o := c.Options()
		port, _ := strconv.Atoi(o["port"])
		flags, _ := strconv.Atoi(o["ssl-flags"])
		v = &spamVhd{info: lws.ClientConnectInfo{
			Address: o["address"], Port: port, Path: "/", Host: o["address"], Origin: o["address"],
			Protocol: "lws-mirror-protocol", SSLConnection: lws.ClientSSL(flags), Vhost: c.Vhost(),
		}}
		v.concurrent, _ = strconv.Atoi(o["concurrent"])
		v.limit, _ = strconv.Atoi(o["limit"])
		c.SetProtocolData(v)
		for range v.concurrent {
			v.connect(ctx)
		}

	case lws.ReasonClientConnectionError:
		v.errors++
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s %s", in, v.counts())
		v.connect(ctx)
		if v.finished() {
			ctx.Stop()
		}

	case lws.ReasonClientEstablished:
		v.est++
		log.Log(context.Background(), logs.LevelInfo, "established "+v.counts()) // lws INFO (-d 8)
		c.CallbackOnWritable()

	case lws.ReasonClientWriteable:
		if _, err := c.Write([]byte(fmt.Sprintf("hello %d", v.sent)), lws.WriteText); err != nil {
			return fmt.Errorf("spam: write: %w", err)
		}
		v.sent++
		// Close ourselves at the next loop turn (LWS_TO_KILL_ASYNC); the
		// close frame follows the message.
		c.SetTimeout(pendingTimeoutUserOK, lws.TimeoutKillAsync)

	case lws.ReasonClientClosed:
		v.closed++
		if v.finished() {
			logs.Userf(log, "leaving CLOSED (try %d, est %d, sent %d, closed %d, err %d)", v.tries, v.est, v.sent, v.closed, v.errors)
			ctx.Stop()
			return nil
		}
		v.connect(ctx) // keep `concurrent` connections going
	}
	return nil
}

// ProtocolSpam is the protocol table entry; lws names it after the
// subprotocol it speaks.
var ProtocolSpam = &lws.Protocol{Name: "lws-mirror-protocol", Callback: callbackSpam}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "lws-spam", Protocols: []*lws.Protocol{ProtocolSpam}}

func init() { lws.RegisterPlugin(LwsPlugin) }
