//go:build unix

package lws

import (
	"fmt"
	"os"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// fdWatch is how the portable loop watches a descriptor (lws's
// event-library glue, ops->io): Go's runtime poller waits on a duplicate
// of it, in one goroutine for reads and one for writes. Each posts one
// readiness event at a time to the loop and looks again only once the
// loop has handled it, which gives the level-triggered readiness of
// poll() or epoll from the runtime's edge-triggered poller. The loop does
// the reading and writing itself, as it does on the epoll loop.
type fdWatch struct {
	h        pollable
	f        *os.File // the duplicate, registered with the runtime's poller
	rc       syscall.RawConn
	want     atomic.Uint32 // pollIn | pollOut: what the loop wants to hear
	inflight [2]atomic.Bool
	stopped  atomic.Bool
	kick     [2]chan struct{}
	done     chan struct{}
}

func newFDWatch(c *Context, h pollable, events uint32) (*fdWatch, error) {
	fd, err := dupCloexec(h.pollFD())
	if err != nil {
		return nil, fmt.Errorf("dup for the runtime poller: %w", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("set non-blocking: %w", err)
	}
	f := os.NewFile(uintptr(fd), "lws-watch")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("raw conn: %w", err)
	}
	w := &fdWatch{h: h, f: f, rc: rc, done: make(chan struct{})}
	w.kick[0], w.kick[1] = make(chan struct{}, 1), make(chan struct{}, 1)
	w.want.Store(events & (pollIn | pollOut))
	for dir := range 2 {
		if !c.goroutine(func() { w.run(c, dir) }) {
			w.stop()
			return nil, ErrDestroyed
		}
	}
	return w, nil
}

// set changes what the loop wants to hear about.
func (w *fdWatch) set(events uint32) {
	w.want.Store(events & (pollIn | pollOut))
	w.poke(0)
	w.poke(1)
}

func (w *fdWatch) poke(dir int) {
	select {
	case w.kick[dir] <- struct{}{}:
	default:
	}
}

// stop ends the goroutines and closes the duplicate (on the loop, before
// the pollable closes its descriptor).
func (w *fdWatch) stop() {
	if w.stopped.Swap(true) {
		return
	}
	close(w.done)
	w.f.Close() // wakes a goroutine waiting in the runtime's poller
}

// run is one direction's goroutine: wait until the loop wants the event
// and has handled the last one, wait for readiness, post it.
func (w *fdWatch) run(c *Context, dir int) {
	bit, pbit := uint32(pollIn), int16(unix.POLLIN)
	wait := w.rc.Read
	if dir == 1 {
		bit, pbit, wait = pollOut, unix.POLLOUT, w.rc.Write
	}
	for {
		for w.inflight[dir].Load() || w.want.Load()&bit == 0 {
			select {
			case <-w.kick[dir]:
			case <-w.done:
				return
			}
		}
		var rev uint32
		err := wait(func(fd uintptr) bool {
			if w.stopped.Load() {
				return true
			}
			rev = readiness(int(fd), pbit)
			return rev != 0
		})
		if err != nil || w.stopped.Load() {
			return
		}
		w.inflight[dir].Store(true)
		ok := c.loop.post(func() {
			w.inflight[dir].Store(false)
			if !w.stopped.Load() && w.want.Load()&bit != 0 {
				w.h.pollEvent(rev)
			}
			w.poke(dir)
		})
		if !ok {
			return
		}
	}
}

// readiness asks poll(2), without waiting, whether fd is ready for what
// events names, in the loop's bits (0: not ready).
func readiness(fd int, events int16) uint32 {
	p := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		n, err := unix.Poll(p, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return 0
		}
		break
	}
	var rev uint32
	r := p[0].Revents
	if r&unix.POLLIN != 0 {
		rev |= pollIn
	}
	if r&unix.POLLOUT != 0 {
		rev |= pollOut
	}
	if r&unix.POLLHUP != 0 {
		rev |= pollHup | pollRdHup
	}
	if r&(unix.POLLERR|unix.POLLNVAL) != 0 {
		rev |= pollErr
	}
	return rev
}

// dupCloexec duplicates fd, close-on-exec.
func dupCloexec(fd int) (int, error) {
	return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
}
