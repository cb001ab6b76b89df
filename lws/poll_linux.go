//go:build linux

package lws

import (
	"fmt"
	"sync"
	"syscall"
)

// poller watches idle ws connections for readability with one epoll set per
// context, the way lws's poll loop does, so that an idle connection parks
// no goroutine and holds no read buffer. When a socket becomes readable the
// poller starts that connection's read cycle; the cycle re-arms the socket
// (EPOLLONESHOT) when it has drained what arrived.
type poller struct {
	epfd   int
	wakeR  int // pipe used to stop EpollWait at teardown
	wakeW  int
	mu     sync.Mutex
	byID   map[uint64]*wsConn
	nextID uint64
	done   chan struct{}
}

const pollEvents = syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT

func newPoller(c *Context) (*poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	var pipe [2]int
	if err := syscall.Pipe2(pipe[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("pipe2: %w", err)
	}
	p := &poller{epfd: epfd, wakeR: pipe[0], wakeW: pipe[1], byID: map[uint64]*wsConn{}, done: make(chan struct{})}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN}
	ev.Fd = 0 // id 0 is the wake pipe
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p.wakeR, &ev); err != nil {
		p.closeFDs()
		return nil, fmt.Errorf("epoll_ctl wake pipe: %w", err)
	}
	go p.run()
	return p, nil
}

func (p *poller) closeFDs() {
	syscall.Close(p.epfd)
	syscall.Close(p.wakeR)
	syscall.Close(p.wakeW)
}

// run waits for readiness and starts read cycles; it ends at close.
func (p *poller) run() {
	defer close(p.done)
	events := make([]syscall.EpollEvent, 128)
	for {
		n, err := syscall.EpollWait(p.epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return
		}
		for i := 0; i < n; i++ {
			id := eventID(&events[i])
			if id == 0 {
				return // teardown
			}
			p.mu.Lock()
			w := p.byID[id]
			p.mu.Unlock()
			if w != nil {
				w.readable()
			}
		}
	}
}

func eventID(ev *syscall.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}

func (p *poller) ctl(op int, w *wsConn) error {
	ev := syscall.EpollEvent{Events: pollEvents}
	ev.Fd = int32(uint32(w.pollID))
	ev.Pad = int32(uint32(w.pollID >> 32))
	return syscall.EpollCtl(p.epfd, op, w.fd, &ev)
}

// add registers w and arms it for one readiness event.
func (p *poller) add(w *wsConn) error {
	p.mu.Lock()
	p.nextID++
	w.pollID = p.nextID
	p.byID[w.pollID] = w
	p.mu.Unlock()
	if err := p.ctl(syscall.EPOLL_CTL_ADD, w); err != nil {
		p.mu.Lock()
		delete(p.byID, w.pollID)
		p.mu.Unlock()
		return fmt.Errorf("epoll_ctl add: %w", err)
	}
	return nil
}

// arm waits for the next readiness event of w. It reports false when the
// caller should keep reading itself (never, with epoll).
func (p *poller) arm(w *wsConn) bool {
	if err := p.ctl(syscall.EPOLL_CTL_MOD, w); err != nil {
		w.readFailed(fmt.Errorf("epoll_ctl mod: %w", err))
	}
	return true
}

// remove forgets w; call it before closing the socket so the descriptor is
// never watched after the kernel reuses it.
func (p *poller) remove(w *wsConn) {
	p.mu.Lock()
	_, ok := p.byID[w.pollID]
	delete(p.byID, w.pollID)
	p.mu.Unlock()
	if ok {
		ev := syscall.EpollEvent{}
		_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, w.fd, &ev)
	}
}

func (p *poller) close() {
	_, _ = syscall.Write(p.wakeW, []byte{1})
	<-p.done
	p.closeFDs()
}
