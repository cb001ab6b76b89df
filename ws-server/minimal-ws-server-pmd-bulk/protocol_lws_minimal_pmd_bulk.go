// The "lws-minimal-pmd-bulk" protocol: on connect the server sends one
// 133,700-byte binary message in 1 KB fragments, one per writeable
// callback, and checks byte for byte the same message coming from the
// client. With permessage-deflate on, this is a test of compression across
// fragments. It mirrors lws's protocol_lws_minimal_pmd_bulk.c; the same file
// builds as a plugin.
package main

import (
	"bytes"
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

// The pmd-bulk message, defined as lws defines it so that lws's C
// pmd-bulk peers and these interoperate: 100 repeats of a 1,337-byte text
// (the opening of H. G. Wells' "The War of the Worlds", public domain) when
// testing compressible data, or the same length of xorshift output seeded
// with 4 when not.
const redundantString = "No one would have believed in the last years of the nineteenth " +
	"century that this world was being watched keenly and closely by " +
	"intelligences greater than man's and yet as mortal as his own; that as " +
	"men busied themselves about their various concerns they were " +
	"scrutinised and studied, perhaps almost as narrowly as a man with a " +
	"microscope might scrutinise the transient creatures that swarm and " +
	"multiply in a drop of water.  With infinite complacency men went to " +
	"and fro over this globe about their little affairs, serene in their " +
	"assurance of their empire over matter. It is possible that the " +
	"infusoria under the microscope do the same.  No one gave a thought to " +
	"the older worlds of space as sources of human danger, or thought of " +
	"them only to dismiss the idea of life upon them as impossible or " +
	"improbable.  It is curious to recall some of the mental habits of " +
	"those departed days.  At most terrestrial men fancied there might be " +
	"other men upon Mars, perhaps inferior to themselves and ready to " +
	"welcome a missionary enterprise. Yet across the gulf of space, minds " +
	"that are to our minds as ours are to those of the beasts that perish, " +
	"intellects vast and cool and unsympathetic, regarded this earth with " +
	"envious eyes, and slowly and surely drew their plans against us.  And " +
	"early in the twentieth century came the great disillusionment. "

const (
	messageSize = 100 * len(redundantString) // 133,700 bytes
	chunkSize   = 1024                       // one fragment per writeable
)

// bulkStream produces (tx) or checks (rx) the message a piece at a time.
type bulkStream struct {
	text bool   // compressible text rather than PRNG bytes
	pos  int    // bytes produced or checked so far
	rng  uint64 // xorshift state, seeded 4
}

func newBulkStream(text bool) bulkStream { return bulkStream{text: text, rng: 4} }

// next is lws's xorshift step.
func (s *bulkStream) next() byte {
	s.rng ^= s.rng << 21
	s.rng ^= s.rng >> 35
	s.rng ^= s.rng << 4
	return byte(s.rng)
}

// fill returns the next n bytes of the message (fewer at its end).
func (s *bulkStream) fill(n int) []byte {
	n = min(n, messageSize-s.pos)
	b := make([]byte, n)
	for i := range b {
		if s.text {
			b[i] = redundantString[(s.pos+i)%len(redundantString)]
		} else {
			b[i] = s.next()
		}
	}
	s.pos += n
	return b
}

// check compares received bytes with what the message holds there.
func (s *bulkStream) check(in []byte) bool {
	if len(in) > messageSize-s.pos {
		return false
	}
	return bytes.Equal(in, s.fill(len(in)))
}

// done reports whether the whole message was produced or checked.
func (s *bulkStream) done() bool { return s.pos == messageSize }
