// The "raw-test" protocol: a broadcast over raw sockets. This file
// mirrors the callback in lws's minimal-raw-vhost.c (lws names the
// protocol raw-test; a Go file cannot end in _test.go without becoming a
// test, hence protocol_raw.go). It builds as a plugin too.
package main

import (
	"fmt"
	"slices"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// rawVhd is the per-vhost data: the live connections and the last chunk
// received, which is what every connection writes next. As in lws there
// is one buffer: a client that is slower than the senders writes the
// newest chunk and skips older ones.
type rawVhd struct {
	sessions []*lws.Conn
	buf      []byte
}

func callbackRawTest(c *lws.Conn, reason lws.Reason, _ any, in []byte) error {
	vhd, _ := c.ProtocolData().(*rawVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&rawVhd{})

	// The raw callbacks are lws's ws ones under RAW_ names: a connection
	// is adopted, receives, becomes writeable and closes.
	case lws.ReasonRawAdopt:
		logs.Userf(c.Context().Logger(), "LWS_CALLBACK_RAW_ADOPT")
		vhd.sessions = append(vhd.sessions, c)

	case lws.ReasonRawClose:
		logs.Userf(c.Context().Logger(), "LWS_CALLBACK_RAW_CLOSE")
		if i := slices.Index(vhd.sessions, c); i >= 0 {
			vhd.sessions = slices.Delete(vhd.sessions, i, i+1)
		}

	case lws.ReasonRawRx:
		logs.Userf(c.Context().Logger(), "LWS_CALLBACK_RAW_RX: %d", len(in))
		// in is valid during the callback only: keep a copy. (lws copies
		// into a 4096-byte vhd->buf and cuts longer chunks; a chunk here
		// is at most one read, 64 KB, and is kept whole.)
		vhd.buf = append(vhd.buf[:0], in...)
		// Nobody writes from here: every connection asks for its
		// writeable callback (lws's writeable discipline).
		for _, s := range vhd.sessions {
			s.CallbackOnWritable()
		}

	case lws.ReasonRawWriteable:
		if _, err := c.Write(vhd.buf, lws.WriteRaw); err != nil {
			return fmt.Errorf("raw-test: write: %w", err)
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
