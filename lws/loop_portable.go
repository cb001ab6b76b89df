package lws

import "time"

// portableLoop is the event loop on Go's runtime netpoller: what every
// platform has. The loop goroutine sleeps on a channel and a timer. A
// descriptor the loop reads and writes itself (a plain ws socket, a raw
// socket or file) is watched by goroutines blocked in the runtime's poller
// that post its readiness to the loop (fdWatch); a one-shot watch (the
// read cycles of TLS connections) simply reads on its own goroutine. The
// programming model is the same as on the epoll loop; only the idle cost
// differs (parked goroutines per connection).
type portableLoop struct {
	c        *Context
	wake     chan struct{}
	timer    *time.Timer
	armedFor time.Time  // when timer fires; zero when it is stopped
	byFD     []*fdWatch // watched descriptors by number (loop-owned)
}

func newPortableLoop(c *Context) *portableLoop {
	p := &portableLoop{c: c, wake: make(chan struct{}, 1), timer: time.NewTimer(time.Hour)}
	p.timer.Stop()
	c.loop.poke = p.poke
	return p
}

func (p *portableLoop) kind() EventLoop { return EventLoopPortable }

func (p *portableLoop) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// wait is the loop's sleep until work is posted or the next sul is due.
func (p *portableLoop) wait(l *loop, busy bool, sleep time.Duration, hasTimer bool) {
	if busy {
		return
	}
	l.beginSleep()
	defer l.endSleep()
	if l.work() {
		return
	}
	// Touch the runtime timer only when the earliest Sul moved: a busy
	// loop turns far more often than its timers change.
	if hasTimer {
		due := time.Now().Add(sleep)
		if p.armedFor.IsZero() || due.Before(p.armedFor) || due.Sub(p.armedFor) > time.Millisecond {
			p.timer.Reset(sleep)
			p.armedFor = due
		}
	}
	select {
	case <-p.wake:
	case <-p.timer.C:
		p.armedFor = time.Time{}
	}
}

// add watches h. A one-shot watch (a read cycle connection) is told to
// read on its own goroutine: the runtime's poller does the watching.
func (p *portableLoop) add(h pollable, events uint32) error {
	if events&pollOne != 0 {
		h.pollEvent(pollIn)
		return nil
	}
	w, err := newFDWatch(p.c, h, events)
	if err != nil {
		return err
	}
	fd := h.pollFD()
	for len(p.byFD) <= fd {
		p.byFD = append(p.byFD, nil)
	}
	if old := p.byFD[fd]; old != nil {
		old.stop() // its owner closed the descriptor without removing it
	}
	p.byFD[fd] = w
	return nil
}

func (p *portableLoop) watch(h pollable) *fdWatch {
	fd := h.pollFD()
	if fd < 0 || fd >= len(p.byFD) || p.byFD[fd] == nil || p.byFD[fd].h != h {
		return nil
	}
	return p.byFD[fd]
}

// arm: one-shot watches keep reading on their own goroutine.
func (p *portableLoop) arm(pollable, uint32) bool { return false }

func (p *portableLoop) modify(h pollable, events uint32) error {
	if w := p.watch(h); w != nil {
		w.set(events)
	}
	return nil
}

func (p *portableLoop) remove(h pollable) {
	if w := p.watch(h); w != nil {
		w.stop()
		p.byFD[h.pollFD()] = nil
	}
}

func (p *portableLoop) beginPass() { p.c.loop.io.deferring = true }

// endPass writes what the pass's callbacks wrote, one connection after
// the other.
func (p *portableLoop) endPass() {
	io := &p.c.loop.io
	io.deferring = false
	list := io.pass
	for _, f := range list {
		f.flushNow()
	}
	for _, f := range list {
		f.flushed()
	}
	clear(list)
	io.pass = list[:0]
}

func (p *portableLoop) close() {
	p.timer.Stop()
	for _, w := range p.byFD {
		if w == nil {
			continue
		}
		if tc, ok := w.h.(teardownCloser); ok {
			tc.closeAtTeardown()
		}
		w.stop()
	}
	p.byFD = nil
}
