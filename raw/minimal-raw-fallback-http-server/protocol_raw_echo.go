// The "raw-echo" protocol of lws's minimal-raw-fallback-http-server.c:
// each chunk a fallen-back connection sends is written back to it. It
// builds as a plugin too.
package main

import (
	"fmt"

	"github.com/lws-go/lws-go/lws"
)

// echoPss is one connection's chunk waiting to go back.
type echoPss struct{ buf []byte }

func callbackRawEcho(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*echoPss)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonRawAdopt:
		log.Info("LWS_CALLBACK_RAW_ADOPT") // lwsl_notice

	case lws.ReasonRawRx:
		// The first RAW_RX carries the bytes that made the fallback.
		log.Info(fmt.Sprintf("LWS_CALLBACK_RAW_RX %d", len(in)))
		pss.buf = append(pss.buf, in...)
		c.CallbackOnWritable()

	case lws.ReasonRawClose:
		log.Info("LWS_CALLBACK_RAW_CLOSE")

	case lws.ReasonRawWriteable:
		log.Info("LWS_CALLBACK_RAW_WRITEABLE")
		if len(pss.buf) == 0 {
			return nil
		}
		if _, err := c.Write(pss.buf, lws.WriteRaw); err != nil {
			return fmt.Errorf("raw-echo: write: %w", err)
		}
		pss.buf = pss.buf[:0]
	}
	return nil
}

// ProtocolRawEcho is the protocol table entry.
var ProtocolRawEcho = &lws.Protocol{
	Name:       "raw-echo",
	Callback:   callbackRawEcho,
	NewSession: func() any { return &echoPss{} },
}

// LwsPlugin describes this file when it is built as a plugin.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "raw-echo",
	Protocols: []*lws.Protocol{ProtocolRawEcho},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
