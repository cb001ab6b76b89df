// The "lws-minimal-pmd-bulk" protocol: on connect the server sends one
// 133,700-byte binary message in 1 KB fragments, one per writeable
// callback, and checks byte for byte the same message coming from the
// client. With permessage-deflate on, this is a test of compression across
// fragments. It mirrors lws's protocol_lws_minimal_pmd_bulk.c; the same file
// builds as a plugin.
package main

import (
	"errors"
	"fmt"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// pmdVhd holds the per-vhost options: "text" (compressible, -c) and
// "blob" (one write instead of fragments, -b); and how many messages
// arrived intact (for tests).
type pmdVhd struct {
	text, blob bool
	verified   int
}

type pmdPss struct{ tx, rx bulkStream }

var errMismatch = errors.New("pmd-bulk: echo'd data doesn't match")

func callbackPmdBulk(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*pmdPss)
	vhd, _ := c.ProtocolData().(*pmdVhd)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		o := c.Options()
		c.SetProtocolData(&pmdVhd{text: o["text"] == "1", blob: o["blob"] == "1"})

	case lws.ReasonEstablished:
		pss.tx, pss.rx = newBulkStream(vhd.text), newBulkStream(vhd.text)
		c.CallbackOnWritable()

	case lws.ReasonServerWriteable:
		if pss.tx.done() {
			return nil
		}
		amount := chunkSize
		if vhd.blob {
			amount = messageSize
		}
		first := pss.tx.pos == 0
		chunk := pss.tx.fill(amount)
		if _, err := c.Write(chunk, lws.WriteWSFlags(true, first, pss.tx.done())); err != nil {
			return fmt.Errorf("pmd-bulk: write: %w", err)
		}
		if !pss.tx.done() {
			c.CallbackOnWritable()
		}

	case lws.ReasonReceive:
		if !pss.rx.check(in) {
			logs.Errf(log, "echo'd data doesn't match at %d", pss.rx.pos)
			return errMismatch
		}
		if pss.rx.done() {
			if !c.IsFinalFragment() {
				return errMismatch // the message is longer than it should be
			}
			logs.Userf(log, "received the whole %d-byte message intact", messageSize)
			vhd.verified++
			pss.rx = newBulkStream(vhd.text)
		}
	}
	return nil
}

// ProtocolPmdBulk is the protocol table entry.
var ProtocolPmdBulk = &lws.Protocol{
	Name:         "lws-minimal-pmd-bulk",
	Callback:     callbackPmdBulk,
	NewSession:   func() any { return &pmdPss{} },
	RxBufferSize: 4096,
}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "lws-minimal-pmd-bulk", Protocols: []*lws.Protocol{ProtocolPmdBulk}}

func init() { lws.RegisterPlugin(LwsPlugin) }
