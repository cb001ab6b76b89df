// The "raw-test" protocol of lws's minimal-raw-adopt-tcp.c: on an adopted
// socket, write an HTTP request and hexdump what comes back. It builds as
// a plugin too.
package main

import (
	"fmt"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// received counts the bytes the server sent (loop-owned); main reads it
// after Run.
var received int

// request is what lws writes, byte for byte.
var request = []byte("GET / HTTP/1.1\r\n\r\n")

func callbackRawTest(c *lws.Conn, reason lws.Reason, _ any, in []byte) error {
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonRawAdopt:
		logs.Userf(log, "LWS_CALLBACK_RAW_ADOPT")
		c.CallbackOnWritable() // the request goes out when writeable

	case lws.ReasonRawClose:
		logs.Userf(log, "LWS_CALLBACK_RAW_CLOSE")
		// lws goes on servicing until Ctrl-C; with nothing left to do
		// this one ends.
		c.Context().Stop()

	case lws.ReasonRawRx:
		logs.Userf(log, "LWS_CALLBACK_RAW_RX (%d)", len(in))
		logs.Hexdump(log, logs.LevelNotice, in)
		received += len(in)

	case lws.ReasonRawWriteable:
		if _, err := c.Write(request, lws.WriteRaw); err != nil {
			return fmt.Errorf("raw write failed: %w", err)
		}
	}
	return nil
}

// ProtocolRawTest is the protocol table entry.
var ProtocolRawTest = &lws.Protocol{Name: "raw-test", Callback: callbackRawTest}

// LwsPlugin describes this file when it is built as a plugin.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "raw-test",
	Protocols: []*lws.Protocol{ProtocolRawTest},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
