// The client side of "lws-minimal-pmd-bulk": it sends the 133,700-byte
// message in 1 KB fragments and checks, byte for byte, the one the server
// sends; the run succeeds once both directions are complete. It mirrors the
// protocol in lws's minimal-ws-client-pmd-bulk; the same file builds as a
// plugin.
package main

import (
	"bytes"
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
