//go:build linux

package lws

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// poller is the loop's epoll set: the loop goroutine waits in epoll_wait,
// as lws's service thread waits in its poll, for sockets, timers and for
// other goroutines posting work (an eventfd, lws's cancel-service pipe).
// Plain ws server connections live here for good (see ws_fast.go: the loop
// reads, parses and writes them itself); TLS ws connections are watched
// here while idle and start a read cycle goroutine when data arrives
// (EPOLLONESHOT, re-armed when the cycle ends).
type poller struct {
	epfd   int
	evfd   int       // eventfd: "the loop has work", written by kick
	byFD   []*wsConn // watched connections by descriptor (loop-owned)
	events []syscall.EpollEvent

	rx             []byte // the loop's read buffer for loop connections
	pieceA, pieceB []byte // what ReasonReceive carries for them

	deferring bool         // in the writeable pass: writes wait for its end
	pass      []*fdConn    // connections written in this pass
	helper    *writeHelper // writes part of a pass on another core
	batches   [2]passBatch // alternate, see writeHelper
	flip      int
}

// Event sets: a read cycle connection asks for one readiness event; a loop
// connection stays watched for reads (unless paused) and, while bytes wait
// to leave, for writes.
const (
	pollEvents   = syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT
	pollReadable = syscall.EPOLLIN | syscall.EPOLLRDHUP
)

// eventfd2 flags (linux/eventfd.h); the syscall package has no wrapper.
const (
	efdCloexec  = syscall.O_CLOEXEC
	efdNonblock = syscall.O_NONBLOCK
)

func newPoller(c *Context) (*poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	r, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, efdCloexec|efdNonblock, 0)
	if errno != 0 {
		syscall.Close(epfd)
		return nil, fmt.Errorf("eventfd2: %w", errno)
	}
	p := &poller{epfd: epfd, evfd: int(r), events: make([]syscall.EpollEvent, 128)}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p.evfd)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p.evfd, &ev); err != nil {
		p.closeFDs()
		return nil, fmt.Errorf("epoll_ctl eventfd: %w", err)
	}
	c.loop.poke = p.poke
	if runtime.GOMAXPROCS(0) > 1 {
		p.helper = startWriteHelper() // one per context, like the loop
	}
	return p, nil
}

func (p *poller) closeFDs() {
	syscall.Close(p.epfd)
	syscall.Close(p.evfd)
}

// poke wakes a loop sleeping in epoll_wait (goroutine-safe).
func (p *poller) poke() {
	one := [8]byte{1}
	_, _ = syscall.Write(p.evfd, one[:])
}

// wait is the loop's sleep: epoll_wait until a socket is ready, work is
// posted or the next sul is due (never sleeping when busy), then the ready
// sockets are serviced, on the loop.
func (p *poller) wait(l *loop, busy bool, sleep time.Duration, hasTimer bool, work func() bool) {
	timeout := 0
	if !busy {
		l.beginSleep()
		// Checked after announcing the sleep: a goroutine that posted
		// before it is seen here, one that posts after it pokes.
		if !work() {
			timeout = -1
			if hasTimer {
				timeout = int((sleep + time.Millisecond - 1) / time.Millisecond)
				if timeout > 1<<30 {
					timeout = 1 << 30
				}
			}
		}
	}
	n, err := syscall.EpollWait(p.epfd, p.events, timeout)
	l.endSleep()
	if err != nil {
		return // EINTR: the loop just turns again
	}
	for i := 0; i < n; i++ {
		ev := &p.events[i]
		fd := int(ev.Fd)
		if fd == p.evfd {
			var b [8]byte
			_, _ = syscall.Read(p.evfd, b[:])
			continue
		}
		// A connection closed earlier in this batch is gone from byFD
		// (its descriptor cannot be watched again before the next wait).
		var w *wsConn
		if fd < len(p.byFD) {
			w = p.byFD[fd]
		}
		switch {
		case w == nil:
		case w.fc != nil:
			w.fastEvent(ev.Events)
		default:
			w.readable()
		}
	}
}

func (p *poller) ctl(op int, w *wsConn, events uint32) error {
	ev := syscall.EpollEvent{Events: events, Fd: w.fd}
	return syscall.EpollCtl(p.epfd, op, int(w.fd), &ev)
}

// add registers w: a loop connection with the events it wants, a read
// cycle connection armed for one readiness event.
func (p *poller) add(w *wsConn) error {
	events := uint32(pollEvents)
	if w.fc != nil {
		events = w.fastEvents()
	}
	if err := p.ctl(syscall.EPOLL_CTL_ADD, w, events); err != nil {
		return fmt.Errorf("epoll_ctl add: %w", err)
	}
	for len(p.byFD) <= int(w.fd) {
		p.byFD = append(p.byFD, nil)
	}
	p.byFD[w.fd] = w
	w.watched, w.evMask = true, events
	return nil
}

// arm waits for the next readiness event of a read cycle connection. It
// reports false when the caller should keep reading itself (never, with
// epoll).
func (p *poller) arm(w *wsConn) bool {
	if err := p.ctl(syscall.EPOLL_CTL_MOD, w, pollEvents); err != nil {
		w.readFailed(fmt.Errorf("epoll_ctl mod: %w", err))
	}
	return true
}

// modify changes what a loop connection is watched for.
func (p *poller) modify(w *wsConn, events uint32) error {
	return p.ctl(syscall.EPOLL_CTL_MOD, w, events)
}

// remove forgets w; call it before closing the socket so the descriptor is
// never watched after the kernel reuses it. If the number already belongs
// to another connection (this one's socket was closed behind the loop's
// back), that one's watch is left alone.
func (p *poller) remove(w *wsConn) {
	if !w.watched {
		return
	}
	w.watched = false
	if int(w.fd) >= len(p.byFD) || p.byFD[w.fd] != w {
		return
	}
	p.byFD[w.fd] = nil
	ev := syscall.EpollEvent{}
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, int(w.fd), &ev)
}

// close ends the poller at context teardown; sockets of loop connections
// still finishing their close handshake are closed now.
func (p *poller) close() {
	if p.helper != nil {
		p.helper.stop()
	}
	for _, w := range p.byFD {
		if w != nil && w.fc != nil {
			w.closeFD()
		}
	}
	p.closeFDs()
}

// beginPass starts the loop's writeable pass (see endPass).
func (p *poller) beginPass() { p.deferring = true }

// endPass writes what the pass's callbacks wrote. A write(2) on a socket
// costs far more than everything else the loop does for a message (on
// loopback it also runs the peer's receive path), so when several
// connections wrote, a helper goroutine writes part of them on another
// core meanwhile: lws's writes, without the loop doing them one by one.
// Each connection's bytes still leave in order, from one goroutine at a
// time, and all of this is over before the loop goes on.
func (p *poller) endPass() {
	p.deferring = false
	list := p.pass
	if len(list) == 0 {
		return
	}
	if len(list) > 1 && p.helper != nil {
		b := &p.batches[p.flip]
		p.flip ^= 1
		p.helper.share(b, list)
	} else {
		for _, f := range list {
			f.flushNow()
		}
	}
	for _, f := range list {
		f.flushed()
	}
	clear(list)
	p.pass = list[:0]
}

// passBatch is one pass's writes, claimed one connection at a time by the
// loop and the helper.
type passBatch struct {
	items []*fdConn
	next  atomic.Int64
}

// writeHelper is the goroutine that shares a pass's writes. The loop
// claims connections too and never waits for the helper to wake up; it
// waits only while the helper is inside a write it claimed. Batches
// alternate between two structs, and a helper that may still look at one
// is always waited for before it is reused.
type writeHelper struct {
	wake    chan struct{} // capacity 1
	idle    chan struct{} // capacity 1: "active went to 0" for a waiting loop
	quit    chan struct{}
	done    chan struct{}
	batch   atomic.Pointer[passBatch]
	active  atomic.Bool // the helper may be using a batch
	waiting atomic.Bool // the loop waits on idle
}

func startWriteHelper() *writeHelper {
	h := &writeHelper{
		wake: make(chan struct{}, 1),
		idle: make(chan struct{}, 1),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	go h.run()
	return h
}

func (h *writeHelper) run() {
	defer close(h.done)
	for {
		select {
		case <-h.wake:
		case <-h.quit:
			return
		}
		h.active.Store(true)
		if b := h.batch.Load(); b != nil {
			b.work()
		}
		h.active.Store(false)
		if h.waiting.Swap(false) {
			h.idle <- struct{}{}
		}
	}
}

// work writes connections of b until none is left to claim.
func (b *passBatch) work() {
	for {
		i := b.next.Add(1) - 1
		if i >= int64(len(b.items)) {
			return
		}
		b.items[i].flushNow()
	}
}

// share writes list with the helper's help and returns once every
// connection of it has been written.
func (h *writeHelper) share(b *passBatch, list []*fdConn) {
	b.items = list
	b.next.Store(0)
	h.batch.Store(b)
	select {
	case h.wake <- struct{}{}:
	default:
	}
	b.work()
	// Everything is claimed; wait for a write the helper is still in.
	for spin := 0; h.active.Load(); spin++ {
		if spin < 50 {
			runtime.Gosched()
			continue
		}
		h.waiting.Store(true)
		if h.active.Load() || !h.waiting.Swap(false) {
			<-h.idle
		}
		break
	}
}

func (h *writeHelper) stop() {
	close(h.quit)
	<-h.done
}
