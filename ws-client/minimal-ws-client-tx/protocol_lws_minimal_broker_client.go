// The publishing side of "lws-minimal-broker": two goroutines (lws's two
// pthreads) write "tid: N, msg: M" every 100 ms into a mutex-guarded 8-slot
// ring while the connection is up and wake the loop with CancelService; the
// loop then sends what waits. After a close it reconnects a second later.
// It mirrors the protocol in lws's minimal-ws-client-tx; the same file
// builds as a plugin.
package main

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ring"
)

type txVhd struct {
	info      lws.ClientConnectInfo
	conn      *lws.Conn // the connection while it is up (loop-owned)
	reconnect lws.Sul

	mu   sync.Mutex         // guards ring and tail: the producers share them
	ring *ring.Ring[string] //
	tail ring.Tail

	up   atomic.Bool // the producers only produce while connected
	stop chan struct{}
	wg   sync.WaitGroup

	sent int // messages published (loop-owned)
}

// published reports how many messages a finished run sent.
func published(vh *lws.Vhost, p *lws.Protocol) int {
	if v, ok := vh.ProtocolData(p).(*txVhd); ok {
		return v.sent
	}
	return 0
}

// produce is one "pthread".
func (v *txVhd) produce(ctx *lws.Context, tid int) {
	defer v.wg.Done()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for msg := 0; ; {
		select {
		case <-v.stop:
			return
		case <-tick.C:
		}
		if !v.up.Load() {
			continue
		}
		v.mu.Lock()
		ok := v.ring.Insert(fmt.Sprintf("tid: %d, msg: %d", tid, msg)) == 1
		v.mu.Unlock()
		if ok {
			msg++
			ctx.CancelService()
		}
	}
}

func (v *txVhd) connect(ctx *lws.Context) {
	if _, err := ctx.ClientConnect(v.info); err != nil {
		logs.Errf(ctx.Logger(), "connect: %v", err)
		v.retry(ctx)
	}
}

// retry reconnects a second later, as lws's example does.
func (v *txVhd) retry(ctx *lws.Context) {
	v.up.Store(false)
	v.conn = nil
	ctx.Schedule(&v.reconnect, time.Second, func(*lws.Sul) { v.connect(ctx) })
}

func callbackTx(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	v, _ := c.ProtocolData().(*txVhd)
	ctx := c.Context()

	switch reason {
	case lws.ReasonProtocolInit:
		o := c.Options()
		port, _ := strconv.Atoi(o["port"])
		v = &txVhd{
			info: lws.ClientConnectInfo{Address: o["address"], Port: port, Path: "/publisher",
				Host: o["address"], Origin: o["address"], Protocol: "lws-minimal-broker", Vhost: c.Vhost()},
			ring: ring.New[string](8, nil),
			stop: make(chan struct{}),
		}
		c.SetProtocolData(v)
		for tid := 0; tid < 2; tid++ {
			v.wg.Add(1)
			go v.produce(ctx, tid)
		}
		ctx.Schedule(&v.reconnect, time.Millisecond, func(*lws.Sul) { v.connect(ctx) })

	case lws.ReasonProtocolDestroy:
		ctx.CancelSul(&v.reconnect)
		close(v.stop)
		v.wg.Wait()

	case lws.ReasonClientEstablished:
		logs.Userf(ctx.Logger(), "established")
		v.conn = c
		v.up.Store(true)

	case lws.ReasonEventWaitCancelled:
		if v != nil && v.conn != nil {
			v.conn.CallbackOnWritable()
		}

	case lws.ReasonClientWriteable:
		v.mu.Lock()
		defer v.mu.Unlock()
		msg := v.ring.Get(&v.tail)
		if msg == nil {
			return nil
		}
		if _, err := c.Write([]byte(*msg), lws.WriteText); err != nil {
			return fmt.Errorf("tx: write: %w", err)
		}
		v.sent++
		v.ring.ConsumeSingleTail(&v.tail, nil, 1)
		if v.ring.Get(&v.tail) != nil {
			c.CallbackOnWritable()
		}

	case lws.ReasonClientConnectionError:
		logs.Errf(ctx.Logger(), "CLIENT_CONNECTION_ERROR: %s", in)
		v.retry(ctx)

	case lws.ReasonClientClosed:
		logs.Userf(ctx.Logger(), "closed, reconnecting in 1 s")
		v.retry(ctx)
	}
	return nil
}

// ProtocolBrokerClient is the protocol table entry, named after the
// subprotocol it speaks.
var ProtocolBrokerClient = &lws.Protocol{Name: "lws-minimal-broker", Callback: callbackTx}

// LwsPlugin describes this file as a plugin.
var LwsPlugin = lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: "lws-minimal-broker-client", Protocols: []*lws.Protocol{ProtocolBrokerClient}}

func init() { lws.RegisterPlugin(LwsPlugin) }
