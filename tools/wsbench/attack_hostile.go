package main

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// outcome is what one attack did, for the table.
type outcome struct {
	detail string // what was sent
	errs   int64  // connections the attack could not make
	err    string // the first of them
	skip   string // why the attack does not apply
}

// maskedFrame is a client frame built by hand: fin, rsv1 (compressed),
// the opcode, a mask and the payload masked with it.
func maskedFrame(fin, rsv1 bool, op byte, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	if rsv1 {
		b0 |= 0x40
	}
	b := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n < 1<<16:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	mask := [4]byte{0x5a, 0xc3, 0x96, 0x0f}
	b = append(b, mask[:]...)
	start := len(b)
	b = append(b, payload...)
	for i := range payload {
		b[start+i] ^= mask[i%4]
	}
	return b
}

// errCounter collects connection failures of an attack.
type errCounter struct {
	n     atomic.Int64
	first atomic.Value
}

func (e *errCounter) note(err error) {
	e.n.Add(1)
	e.first.CompareAndSwap(nil, err.Error())
}

func (e *errCounter) fill(o *outcome) {
	o.errs = e.n.Load()
	if s, ok := e.first.Load().(string); ok {
		o.err = s
	}
}

// cycles runs n connect/upgrade/close cycles on conc connections at a
// time, ending a third of them with the close handshake, a third with an
// RST (SO_LINGER 0) and a third with a bare FIN; every other one sends a
// message first. It stops early at limit.
func cycles(ep endpoint, k kind, n, conc int, limit time.Duration) outcome {
	var next, done atomic.Int64
	var errs errCounter
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range loopCap {
				i := next.Add(1) - 1
				if i >= int64(n) || time.Now().After(deadline) {
					return
				}
				path := "/"
				if k == kindBroker && i%4 == 1 {
					path = "/publisher"
				}
				c, err := ep.withPath(path).dial(false)
				if err != nil {
					errs.note(err)
					continue
				}
				if i%2 == 1 {
					_ = c.ws.SetWriteDeadline(time.Now().Add(2 * time.Second))
					_ = c.ws.WriteMessage(websocket.TextMessage, stamp("c"+strconv.FormatInt(i, 10), 1, 64))
				}
				switch i % 3 {
				case 0:
					c.closeClean(2 * time.Second)
				case 1:
					c.reset()
				default:
					c.fin()
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	o := outcome{detail: fmt.Sprintf("%d cycles in %.1fs (%.0f/s)", done.Load(), el.Seconds(), float64(done.Load())/el.Seconds())}
	errs.fill(&o)
	return o
}

// storm runs attackers for d: each connects, sends messages of size bytes
// (stamped, so the chat passes them on) without ever reading while the
// server broadcasts, and leaves: with an RST, an RST in the middle of a
// frame, a bare FIN or a close frame, in turn.
func storm(ep endpoint, k kind, attackers, msgs, size int, d time.Duration) outcome {
	deadline := time.Now().Add(d)
	var conns, sent atomic.Int64
	var errs errCounter
	var wg sync.WaitGroup
	for a := 0; a < attackers; a++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(a), 7))
			src := "x" + strconv.Itoa(a)
			seq := uint64(0)
			for j := 0; j < 1_000_000 && time.Now().Before(deadline); j++ {
				path := "/"
				if k == kindBroker && j%2 == 0 {
					path = "/publisher"
				}
				c, err := ep.withPath(path).dial(false)
				if err != nil {
					errs.note(err)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				conns.Add(1)
				_ = c.ws.SetWriteDeadline(time.Now().Add(time.Second))
				for m := 0; m < msgs; m++ {
					seq++
					if c.ws.WriteMessage(websocket.TextMessage, stamp(src, seq, size)) != nil {
						break
					}
					sent.Add(1)
				}
				// Let the broadcast back up behind the unread socket.
				time.Sleep(time.Duration(rng.IntN(30)) * time.Millisecond)
				switch j % 4 {
				case 0:
					c.reset()
				case 1:
					seq++
					f := maskedFrame(true, false, websocket.TextMessage, stamp(src, seq, size))
					_, _ = c.ws.NetConn().Write(f[:len(f)/2])
					c.reset()
				case 2:
					c.fin()
				default:
					_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
					c.fin()
				}
			}
		}()
	}
	wg.Wait()
	o := outcome{detail: fmt.Sprintf("%d attacker conns, %d msgs of %d B", conns.Load(), sent.Load(), size)}
	errs.fill(&o)
	return o
}

// pingflood has each flooder send 125-byte pings as fast as the socket
// takes them, never reading, for d; then it leaves (an RST, since what the
// server sent is unread).
func pingflood(ep endpoint, flooders int, d time.Duration) outcome {
	frame := maskedFrame(true, false, websocket.PingMessage, bytes.Repeat([]byte{'p'}, 125))
	burst := bytes.Repeat(frame, 512)
	var written atomic.Int64
	var closedByServer atomic.Int64
	var errs errCounter
	var wg sync.WaitGroup
	for f := 0; f < flooders; f++ {
		c, err := ep.dial(false)
		if err != nil {
			errs.note(err)
			continue
		}
		nc := c.ws.NetConn()
		var leaving atomic.Bool
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 1<<30; i++ {
				n, err := nc.Write(burst)
				written.Add(int64(n))
				if err != nil {
					// Not our own leaving: the server closed the connection.
					if !leaving.Load() {
						closedByServer.Add(1)
					}
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			time.Sleep(d)
			leaving.Store(true)
			c.fin()
		}()
	}
	wg.Wait()
	pings := written.Load() / int64(len(frame))
	o := outcome{detail: fmt.Sprintf("%d pings (%.0f MB) from %d flooders", pings, float64(written.Load())/1e6, flooders)}
	if n := closedByServer.Load(); n > 0 {
		o.detail += fmt.Sprintf(", %d closed by the server before the end", n)
	}
	errs.fill(&o)
	return o
}

var bombs = struct {
	sync.Mutex
	m map[int][]byte
}{m: map[int][]byte{}}

// bombPayload is a permessage-deflate payload (RFC 7692: a raw deflate
// stream ending in a sync flush, its 00 00 ff ff taken off) that inflates
// to mb megabytes of zeros; made once per size.
func bombPayload(mb int) ([]byte, error) {
	bombs.Lock()
	defer bombs.Unlock()
	if b, ok := bombs.m[mb]; ok {
		return b, nil
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("deflate bomb: %w", err)
	}
	zeros := make([]byte, 1<<20)
	for i := 0; i < mb; i++ {
		if _, err := w.Write(zeros); err != nil {
			return nil, fmt.Errorf("deflate bomb: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("deflate bomb: %w", err)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte{0, 0, 0xff, 0xff})
	bombs.m[mb] = b
	return b, nil
}

// deflatebomb negotiates permessage-deflate and sends count messages
// (one after the other, each whole) that each inflate to mb megabytes,
// then keeps the connection for d while the well-behaved clients watch,
// reading and dropping what the server sends. The frames are built by
// hand: FIN, RSV1 (compressed), binary, masked.
func deflatebomb(ep endpoint, mb, count int, d time.Duration) outcome {
	payload, err := bombPayload(mb)
	if err != nil {
		return outcome{errs: 1, err: err.Error()}
	}
	c, err := ep.dial(true)
	if err != nil {
		return outcome{errs: 1, err: err.Error()}
	}
	defer c.fin()
	if !strings.Contains(c.resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
		return outcome{skip: "the server did not negotiate permessage-deflate"}
	}
	frame := maskedFrame(true, true, websocket.BinaryMessage, payload)
	nc := c.ws.NetConn()
	var got countingWriter
	gone := make(chan error, 1)
	go func() {
		_, err := io.Copy(&got, nc)
		gone <- err
	}()
	start := time.Now()
	sent := 0
	_ = nc.SetWriteDeadline(time.Now().Add(d))
	for i := 0; i < count; i++ {
		if _, err := nc.Write(frame); err != nil {
			break
		}
		sent++
	}
	o := outcome{detail: fmt.Sprintf("%d x %d MB inflated (%d bytes on the wire each)", sent, mb, len(frame))}
	// The well-behaved clients watch for d whatever the server does with
	// the bomber: it may go on inflating after closing it.
	select {
	case err := <-gone:
		o.detail += fmt.Sprintf("; the server closed the bomber after %.1fs (%v)", time.Since(start).Seconds(), err)
		time.Sleep(time.Until(start.Add(d)))
	case <-time.After(time.Until(start.Add(d))):
		o.detail += fmt.Sprintf("; bomber still open after %s", d)
	}
	o.detail += fmt.Sprintf(", %d bytes came back", got.n.Load())
	return o
}

// countingWriter drops what it is given and counts it.
type countingWriter struct{ n atomic.Int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return len(p), nil
}
