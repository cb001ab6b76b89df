package lws

import (
	"sync"
	"sync/atomic"
	"time"
)

// loop is the service loop's state: the mirror of lws's per-thread service
// (struct lws_context_per_thread). Only the loop goroutine touches suls and
// writable; queue is how other goroutines hand it work.
type loop struct {
	mu      sync.Mutex
	queue   []func() // events posted by I/O goroutines, run in order
	spare   []func()
	stopped bool // no more events are accepted once teardown began

	cancelled atomic.Bool // a lws_cancel_service is pending
	sleeping  atomic.Bool // the loop is about to sleep or sleeps in the poller
	poked     atomic.Bool // someone already woke it for this sleep
	poke      func()      // the poller's wake-up (an eventfd write)
	work      func() bool // whether the loop must not sleep (Context.hasWork)

	io loopIO // buffers and the writeable pass of loop-owned sockets

	suls     sulHeap
	writable []*Conn // connections that asked for a writeable callback
}

// post queues fn to run on the loop goroutine. It is goroutine-safe and never
// blocks; after teardown began it drops fn and reports false.
func (l *loop) post(fn func()) bool {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return false
	}
	l.queue = append(l.queue, fn)
	l.mu.Unlock()
	l.kick()
	return true
}

// kick wakes the loop if it is waiting, with one poke per sleep.
func (l *loop) kick() {
	if l.sleeping.Load() && !l.poked.Swap(true) {
		l.poke()
	}
}

// beginSleep announces that the loop is about to sleep. The poke claim is
// cleared here, before the announcement, and never after waking: a kick
// that saw the previous sleep may claim a poke at any moment up to now,
// and its poke (still to come, or already waiting in the eventfd) only
// makes this sleep end early. Cleared after waking instead, such a late
// claim would outlive its poke (drained with the wake-up that was already
// under way) and every later kick would skip poking a loop that sleeps
// with work queued.
func (l *loop) beginSleep() {
	l.poked.Store(false)
	l.sleeping.Store(true)
}

// endSleep tells kicks that the loop is awake and will look at the queue.
func (l *loop) endSleep() { l.sleeping.Store(false) }

// takeQueue swaps out the queued events so they run without the lock held.
func (l *loop) takeQueue() []func() {
	l.mu.Lock()
	q := l.queue
	l.queue = l.spare[:0]
	l.mu.Unlock()
	return q
}

func (l *loop) giveBackQueue(q []func()) {
	clear(q)
	l.mu.Lock()
	l.spare = q[:0]
	l.mu.Unlock()
}

func (l *loop) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue) == 0 && len(l.writable) == 0 && !l.cancelled.Load()
}

// serviceOnce is one turn of the loop (one lws_service call): queued events,
// a pending cancel-service, due timers, then one pass over the connections
// that asked to be told they are writeable. It returns how long the loop may
// sleep before the next timer (hasTimer false: no timer armed).
func (c *Context) serviceOnce() (sleep time.Duration, hasTimer bool) {
	l := &c.loop
	q := l.takeQueue()
	for _, fn := range q {
		fn()
	}
	l.giveBackQueue(q)

	if l.cancelled.Swap(false) {
		c.broadcastVhostReason(ReasonEventWaitCancelled)
	}

	l.suls.runDue(monoNow())

	if len(l.writable) > 0 {
		list := l.writable
		l.writable = nil
		c.poll.beginPass()
		for _, conn := range list {
			conn.inWritableList = false
			conn.serviceWriteable()
		}
		c.poll.endPass()
	}
	// The wait is worked out last: writeable callbacks may have just
	// scheduled a sul (a KillAsync timeout, a timer) that is due at once.
	return l.suls.untilNext(monoNow())
}

// loopIO is what the loop keeps for the sockets it reads and writes
// itself, whichever event loop reports their readiness.
type loopIO struct {
	rx             []byte // the loop's read buffer for loop connections
	pieceA, pieceB []byte // what ReasonReceive carries for them

	deferring bool      // in the writeable pass: writes wait for its end
	pass      []*fdConn // connections written in this pass
}

// rxBuffer is the loop's one read buffer (lws's pt->serv_buf).
func (p *loopIO) rxBuffer() []byte {
	if p.rx == nil {
		p.rx = make([]byte, 64<<10)
	}
	return p.rx
}

// pieces returns the loop's two receive pieces of at least size bytes:
// what ReasonReceive carries is valid only during the callback, as in lws.
func (p *loopIO) pieces(size int) ([]byte, []byte) {
	if cap(p.pieceA) < size {
		p.pieceA, p.pieceB = make([]byte, size), make([]byte, size)
	}
	return p.pieceA[:size], p.pieceB[:size]
}
