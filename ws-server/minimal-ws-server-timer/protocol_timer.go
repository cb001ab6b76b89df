// The "timer" protocol: a soak test of per-connection timers. On
// ESTABLISHED and on every TIMER it re-arms a 20 s timer (lws_set_timer_usecs)
// and pushes a 60 s timeout (lws_set_timeout) further out, so a connection
// that sends nothing stays open for as long as its timer keeps firing. It
// mirrors the protocol inside lws's minimal-ws-server-timer; the same file
// builds as a plugin for lwsws.
package main

import (
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// timerVhd holds the two periods, from the per-vhost options "interval-ms"
// and "timeout-secs" (lws hard-codes 20 s and 60 s; so do the defaults).
type timerVhd struct {
	interval time.Duration
	timeout  int
}

// pendingTimeoutTimer is the reason number lws's example passes to
// lws_set_timeout.
const pendingTimeoutTimer = 1

func callbackTimer(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	vhd, _ := c.ProtocolData().(*timerVhd)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		vhd = &timerVhd{interval: 20 * time.Second, timeout: 60}
		if ms, err := strconv.Atoi(c.Options()["interval-ms"]); err == nil {
			vhd.interval = time.Duration(ms) * time.Millisecond
		}
		if s, err := strconv.Atoi(c.Options()["timeout-secs"]); err == nil {
			vhd.timeout = s
		}
		c.SetProtocolData(vhd)

	case lws.ReasonEstablished, lws.ReasonTimer:
		logs.Userf(log, "LWS_CALLBACK_%s", reason)
		c.SetTimer(vhd.interval)                       // TIMER again after the interval
		c.SetTimeout(pendingTimeoutTimer, vhd.timeout) // and push the hang-up back

	case lws.ReasonClosed:
		logs.Userf(log, "LWS_CALLBACK_CLOSED")
	}
	return nil
}

// ProtocolTimer is the protocol table entry.
var ProtocolTimer = &lws.Protocol{Name: "timer", Callback: callbackTimer}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "timer",
	Protocols: []*lws.Protocol{ProtocolTimer},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
