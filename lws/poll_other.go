//go:build !linux

package lws

import "time"

// poller on systems without epoll: each ws connection keeps a goroutine
// blocked in its read cycle, as a plain Go server does, and the loop
// sleeps on a channel. The programming model is the same; only the idle
// cost differs.
type poller struct {
	wake     chan struct{}
	timer    *time.Timer
	armedFor time.Time // when timer fires; zero when it is stopped
}

func newPoller(c *Context) (*poller, error) {
	p := &poller{wake: make(chan struct{}, 1), timer: time.NewTimer(time.Hour)}
	p.timer.Stop()
	c.loop.poke = p.poke
	return p, nil
}

func (p *poller) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// wait is the loop's sleep until work is posted or the next sul is due.
func (p *poller) wait(l *loop, busy bool, sleep time.Duration, hasTimer bool, work func() bool) {
	if busy {
		return
	}
	l.beginSleep()
	defer l.endSleep()
	if work() {
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

func (p *poller) add(w *wsConn) error {
	w.readable()
	return nil
}

func (p *poller) arm(*wsConn) bool { return false }
func (p *poller) beginPass()       {}
func (p *poller) endPass()         {}
func (p *poller) remove(*wsConn)   {}
func (p *poller) close()           { p.timer.Stop() }
