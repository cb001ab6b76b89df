// The client side of "lws-minimal-pmd-bulk": it sends the 133,700-byte
// message in 1 KB fragments and checks, byte for byte, the one the server
// sends; the run succeeds once both directions are complete. It mirrors the
// protocol in lws's minimal-ws-client-pmd-bulk; the same file builds as a
// plugin.
package main

import (
	"errors"
	"fmt"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// clientVhd holds the -c option and the result.
type clientVhd struct {
	text     bool
	tx, rx   bulkStream
	complete bool
}

var errMismatch = errors.New("pmd-bulk: received data doesn't match")

func callbackPmdBulkClient(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*clientVhd)
	ctx := c.Context()
	log := ctx.Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		text := c.Options()["text"] == "1"
		c.SetProtocolData(&clientVhd{text: text, tx: newBulkStream(text), rx: newBulkStream(text)})

	case lws.ReasonClientConnectionError:
		logs.Errf(log, "CLIENT_CONNECTION_ERROR: %s", in)
		ctx.Stop()

	case lws.ReasonClientEstablished:
		logs.Userf(log, "established")
		c.CallbackOnWritable()

	case lws.ReasonClientWriteable:
		if v.tx.done() {
			return nil
		}
		first := v.tx.pos == 0
		chunk := v.tx.fill(chunkSize)
		if _, err := c.Write(chunk, lws.WriteWSFlags(true, first, v.tx.done())); err != nil {
			return fmt.Errorf("pmd-bulk: write: %w", err)
		}
		if v.tx.done() {
			logs.Userf(log, "sent the whole %d-byte message", messageSize)
			v.finish(ctx)
		} else {
			c.CallbackOnWritable()
		}

	case lws.ReasonClientReceive:
		if !v.rx.check(in) {
			logs.Errf(log, "received data doesn't match at %d", v.rx.pos)
			return errMismatch
		}
		if v.rx.done() {
			logs.Userf(log, "received the whole %d-byte message intact", messageSize)
			v.finish(ctx)
		}

	case lws.ReasonClientClosed:
		ctx.Stop()
	}
	return nil
}

// finish ends the run once both directions are done.
func (v *clientVhd) finish(ctx *lws.Context) {
	if v.tx.done() && v.rx.done() {
		v.complete = true
		ctx.Stop()
	}
}

// ProtocolPmdBulkClient is the protocol table entry.
var ProtocolPmdBulkClient = &lws.Protocol{Name: "lws-minimal-pmd-bulk", Callback: callbackPmdBulkClient, RxBufferSize: 4096}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "lws-minimal-pmd-bulk-client", Protocols: []*lws.Protocol{ProtocolPmdBulkClient}}

func init() { lws.RegisterPlugin(LwsPlugin) }
