// The "raw-test" protocol of lws's minimal-raw-adopt-udp.c: echo each
// datagram to its source. It builds as a plugin too.
package main

import (
	"net/netip"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// udpEcho is the one datagram waiting to go back, and where: lws keeps a
// static sendbuf and the lws_udp it copied at RAW_RX. A datagram that
// arrives before the last one left replaces it (lws's example says a
// ring of buffers and targets is the way to extend this).
type udpEcho struct {
	buf []byte
	to  netip.AddrPort
}

func callbackRawTest(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*udpEcho)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonRawAdopt:
		logs.Userf(log, "LWS_CALLBACK_RAW_ADOPT")

	case lws.ReasonRawClose:
		logs.Userf(log, "LWS_CALLBACK_RAW_CLOSE")

	case lws.ReasonRawRx:
		logs.Userf(log, "LWS_CALLBACK_RAW_RX (%d)", len(in))
		logs.Hexdump(log, logs.LevelNotice, in)
		// Take a copy of the datagram and of its source (in is valid
		// during the callback only), and send it next time around the
		// loop. UDP is always writeable as far as poll() knows; asking
		// lets the loop share out the work.
		pss.buf = append(pss.buf[:0], in...)
		pss.to = c.UDPSource()
		c.CallbackOnWritable()

	case lws.ReasonRawWriteable:
		if len(pss.buf) == 0 {
			return nil
		}
		// sendto(2) on the socket, to the datagram's source. A datagram
		// the socket cannot take now is dropped, as lws's example drops
		// partial sends.
		n, err := c.WriteUDP(pss.buf, pss.to)
		if err != nil {
			log.Warn("send failed", "to", pss.to, "err", err)
			return nil
		}
		if n < len(pss.buf) {
			log.Info("send dropped", "to", pss.to, "len", len(pss.buf)) // lwsl_notice
		}
		pss.buf = pss.buf[:0]
	}
	return nil
}

// ProtocolRawTest is the protocol table entry.
var ProtocolRawTest = &lws.Protocol{
	Name:       "raw-test",
	Callback:   callbackRawTest,
	NewSession: func() any { return &udpEcho{} },
}

// LwsPlugin describes this file when it is built as a plugin.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "raw-test",
	Protocols: []*lws.Protocol{ProtocolRawTest},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
