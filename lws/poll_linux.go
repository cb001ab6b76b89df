//go:build linux

package lws

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// epollLoop is the loop's epoll set: the loop goroutine waits in epoll_wait,
// as lws's service thread waits in its poll, for sockets, timers and for
// other goroutines posting work (an eventfd, lws's cancel-service pipe).
// Plain ws server connections live here for good (see ws_fast.go: the loop
// reads, parses and writes them itself); TLS ws connections are watched
// here while idle and start a read cycle goroutine when data arrives
// (EPOLLONESHOT, re-armed when the cycle ends).
type epollLoop struct {
	epfd   int
	evfd   int        // eventfd: "the loop has work", written by kick
	byFD   []pollable // watched descriptors by number (loop-owned)
	events []syscall.EpollEvent

	c        *Context
	io       *loopIO               // the context's loop buffers and pass
	unpolled map[pollable]*fdWatch // descriptors epoll refuses (regular files)
	helper   *writeHelper          // writes part of a pass on another core
	batches  [2]passBatch          // alternate, see writeHelper
	flip     int
}

// The readiness bits every loop reports are epoll's.
var (
	_ = [1]struct{}{}[pollIn^syscall.EPOLLIN]
	_ = [1]struct{}{}[pollOut^syscall.EPOLLOUT]
	_ = [1]struct{}{}[pollErr^syscall.EPOLLERR]
	_ = [1]struct{}{}[pollHup^syscall.EPOLLHUP]
	_ = [1]struct{}{}[pollRdHup^syscall.EPOLLRDHUP]
	_ = [1]struct{}{}[pollOne^syscall.EPOLLONESHOT]
)

// eventfd2 flags (linux/eventfd.h); the syscall package has no wrapper.
const (
	efdCloexec  = syscall.O_CLOEXEC
	efdNonblock = syscall.O_NONBLOCK
)

func newEpollLoop(c *Context) (*epollLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	r, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, efdCloexec|efdNonblock, 0)
	if errno != 0 {
		syscall.Close(epfd)
		return nil, fmt.Errorf("eventfd2: %w", errno)
	}
	p := &epollLoop{c: c, io: &c.loop.io, epfd: epfd, evfd: int(r), events: make([]syscall.EpollEvent, 128)}
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

func (p *epollLoop) closeFDs() {
	syscall.Close(p.epfd)
	syscall.Close(p.evfd)
}

// poke wakes a loop sleeping in epoll_wait (goroutine-safe).
func (p *epollLoop) poke() {
	one := [8]byte{1}
	_, _ = syscall.Write(p.evfd, one[:])
}

// wait is the loop's sleep: epoll_wait until a socket is ready, work is
// posted or the next sul is due (never sleeping when busy), then the ready
// sockets are serviced, on the loop.
func (p *epollLoop) wait(l *loop, busy bool, sleep time.Duration, hasTimer bool) {
	timeout := 0
	if !busy {
		l.beginSleep()
		// Checked after announcing the sleep: a goroutine that posted
		// before it is seen here, one that posts after it pokes.
		if !l.work() {
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
		if fd < len(p.byFD) && p.byFD[fd] != nil {
			p.byFD[fd].pollEvent(ev.Events)
		}
	}
}

func (p *epollLoop) kind() EventLoop { return EventLoopEpoll }

func (p *epollLoop) ctl(op int, h pollable, events uint32) error {
	fd := h.pollFD()
	ev := syscall.EpollEvent{Events: events, Fd: int32(fd)}
	return syscall.EpollCtl(p.epfd, op, fd, &ev)
}

// add registers h with the events it wants.
func (p *epollLoop) add(h pollable, events uint32) error {
	if err := p.ctl(syscall.EPOLL_CTL_ADD, h, events); err != nil {
		if err != syscall.EPERM {
			return fmt.Errorf("epoll_ctl add: %w", err)
		}
		// A regular file: epoll refuses it, poll() calls it always
		// ready. The runtime's poller's watch does what poll() does.
		w, err := newFDWatch(p.c, h, events)
		if err != nil {
			return err
		}
		if p.unpolled == nil {
			p.unpolled = map[pollable]*fdWatch{}
		}
		p.unpolled[h] = w
		return nil
	}
	fd := h.pollFD()
	for len(p.byFD) <= fd {
		p.byFD = append(p.byFD, nil)
	}
	p.byFD[fd] = h
	return nil
}

// arm waits for the next readiness event of a one-shot watch. It reports
// false when the caller should keep reading itself (never, with epoll).
func (p *epollLoop) arm(h pollable, events uint32) bool {
	if err := p.ctl(syscall.EPOLL_CTL_MOD, h, events); err != nil {
		if f, ok := h.(interface{ readFailed(error) }); ok {
			f.readFailed(fmt.Errorf("epoll_ctl mod: %w", err))
		}
	}
	return true
}

// modify changes what h is watched for.
func (p *epollLoop) modify(h pollable, events uint32) error {
	if w := p.unpolled[h]; w != nil {
		w.set(events)
		return nil
	}
	return p.ctl(syscall.EPOLL_CTL_MOD, h, events)
}

// remove forgets h; call it before closing the descriptor so it is never
// watched after the kernel reuses the number. If the number already
// belongs to another pollable (this one's descriptor was closed behind the
// loop's back), that one's watch is left alone.
func (p *epollLoop) remove(h pollable) {
	if w := p.unpolled[h]; w != nil {
		w.stop()
		delete(p.unpolled, h)
		return
	}
	fd := h.pollFD()
	if fd < 0 || fd >= len(p.byFD) || p.byFD[fd] != h {
		return
	}
	p.byFD[fd] = nil
	ev := syscall.EpollEvent{}
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, fd, &ev)
}

// close ends the poller at context teardown; sockets of loop connections
// still finishing their close handshake are closed now.
func (p *epollLoop) close() {
	if p.helper != nil {
		p.helper.stop()
	}
	for _, h := range p.byFD {
		if tc, ok := h.(teardownCloser); ok {
			tc.closeAtTeardown()
		}
	}
	for h, w := range p.unpolled {
		if tc, ok := h.(teardownCloser); ok {
			tc.closeAtTeardown()
		}
		w.stop()
	}
	p.closeFDs()
}

// beginPass starts the loop's writeable pass (see endPass).
func (p *epollLoop) beginPass() { p.io.deferring = true }

// endPass writes what the pass's callbacks wrote. A write(2) on a socket
// costs far more than everything else the loop does for a message (on
// loopback it also runs the peer's receive path), so when several
// connections wrote, a helper goroutine writes part of them on another
// core meanwhile: lws's writes, without the loop doing them one by one.
// Each connection's bytes still leave in order, from one goroutine at a
// time, and all of this is over before the loop goes on.
func (p *epollLoop) endPass() {
	p.io.deferring = false
	list := p.io.pass
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
	p.io.pass = list[:0]
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
