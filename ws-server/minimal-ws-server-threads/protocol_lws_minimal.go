// The "lws-minimal" protocol fed by threads: two goroutines, standing in for
// lws's two pthreads, write "<config>: tid: N, msg: M" every 100 ms into a
// mutex-guarded ring in the vhd while any client is connected, and wake the
// loop with CancelService. On ReasonEventWaitCancelled the loop asks every
// session for a writeable callback, and each session reads the ring through
// its own tail. It mirrors lws's minimal-ws-server-threads protocol; the
// same file builds as a plugin for lwsws.
package main

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/ring"
)

type threadsVhd struct {
	config string // the "config" per-vhost option

	mu   sync.Mutex         // guards ring: the producers are other goroutines
	ring *ring.Ring[string] //

	sessions []*threadsPss // loop-owned
	clients  atomic.Int32  // len(sessions), for the producers to read

	stop chan struct{}
	wg   sync.WaitGroup
}

type threadsPss struct {
	conn *lws.Conn
	tail ring.Tail
}

func (vhd *threadsVhd) tails(yield func(ring.Tail) bool) {
	for _, s := range vhd.sessions {
		if !yield(s.tail) {
			return
		}
	}
}

// produce is one "pthread": it only creates messages while clients exist
// and there is room, then wakes the loop (lws_cancel_service).
func (vhd *threadsVhd) produce(ctx *lws.Context, tid int) {
	defer vhd.wg.Done()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for msg := 0; ; {
		select {
		case <-vhd.stop:
			return
		case <-tick.C:
		}
		if vhd.clients.Load() == 0 {
			continue
		}
		vhd.mu.Lock()
		inserted := vhd.ring.FreeCount() > 0 &&
			vhd.ring.Insert(fmt.Sprintf("%s: tid: %d, msg: %d", vhd.config, tid, msg)) == 1
		vhd.mu.Unlock()
		if inserted {
			msg++
			ctx.CancelService() // the loop gets ReasonEventWaitCancelled
		}
	}
}

func callbackMinimal(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*threadsPss)
	vhd, _ := c.ProtocolData().(*threadsVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		vhd = &threadsVhd{config: c.Options()["config"], ring: ring.New[string](8, nil), stop: make(chan struct{})}
		if vhd.config == "" {
			vhd.config = "myconfig"
		}
		c.SetProtocolData(vhd)
		for tid := 0; tid < 2; tid++ {
			vhd.wg.Add(1)
			go vhd.produce(c.Context(), tid)
		}

	case lws.ReasonProtocolDestroy:
		// Stop and join the producers: no goroutine outlives the vhost.
		close(vhd.stop)
		vhd.wg.Wait()

	case lws.ReasonEstablished:
		pss.conn = c
		vhd.mu.Lock()
		pss.tail = vhd.ring.OldestTail()
		vhd.mu.Unlock()
		vhd.sessions = append(vhd.sessions, pss)
		vhd.clients.Store(int32(len(vhd.sessions)))

	case lws.ReasonClosed:
		vhd.sessions = slices.DeleteFunc(vhd.sessions, func(s *threadsPss) bool { return s == pss })
		vhd.clients.Store(int32(len(vhd.sessions)))
		vhd.mu.Lock()
		vhd.ring.Leave(pss.tail, vhd.tails)
		vhd.mu.Unlock()

	case lws.ReasonEventWaitCancelled:
		// Some producer added to the ring: everybody may have something.
		if vhd != nil {
			for _, s := range vhd.sessions {
				s.conn.CallbackOnWritable()
			}
		}

	case lws.ReasonServerWriteable:
		vhd.mu.Lock()
		defer vhd.mu.Unlock()
		msg := vhd.ring.Get(&pss.tail)
		if msg == nil {
			return nil
		}
		if _, err := c.Write([]byte(*msg), lws.WriteText); err != nil {
			return fmt.Errorf("threads: write: %w", err)
		}
		vhd.ring.ConsumeAndUpdateOldest(&pss.tail, 1, vhd.tails)
		if vhd.ring.Get(&pss.tail) != nil {
			c.CallbackOnWritable()
		}
	}
	return nil
}

// ProtocolLwsMinimal is the protocol table entry.
var ProtocolLwsMinimal = &lws.Protocol{
	Name:       "lws-minimal",
	Callback:   callbackMinimal,
	NewSession: func() any { return &threadsPss{} },
}

// LwsPlugin describes this file as a plugin for lwsws.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "lws-minimal-threads",
	Protocols: []*lws.Protocol{ProtocolLwsMinimal},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
