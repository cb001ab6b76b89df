package lws

import (
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"time"
)

// nbConn wraps a TCP connection so that, once a ws connection belongs to the
// loop, writes never block the loop goroutine: what the kernel takes now is
// sent, the rest waits in pending and a flusher goroutine finishes it, then
// tells the loop the write has left. This is lws's "truncated send" buffer,
// and it is why a writeable callback means "the previous write has left".
// Before that (HTTP, the TLS handshake) it is a plain blocking net.Conn.
type nbConn struct {
	tc  *net.TCPConn // not embedded: net.Buffers would find its writev and block
	raw syscall.RawConn

	mu       sync.Mutex
	loopMode bool   // writes are non-blocking and report drain to onDrained
	pending  []byte // bytes the kernel did not take yet, in order
	flushing bool   // a flusher goroutine owns the socket's write side
	closing  bool   // close once pending is flushed
	err      error  // first write error; later writes fail with it

	onDrained func() // posts "write has left" to the loop
	spawn     func(func()) bool
}

func newNBConn(tc *net.TCPConn) (*nbConn, error) {
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil, err
	}
	return &nbConn{tc: tc, raw: raw}, nil
}

// enterLoopMode switches writes to non-blocking; onDrained runs (on some
// goroutine) whenever a backlog finished draining.
func (n *nbConn) enterLoopMode(onDrained func(), spawn func(func()) bool) {
	n.mu.Lock()
	n.loopMode, n.onDrained, n.spawn = true, onDrained, spawn
	n.mu.Unlock()
}

// busy reports whether written bytes are still waiting to leave.
func (n *nbConn) busy() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.flushing
}

// Write implements net.Conn. In loop mode it never blocks and always
// accepts all of p (or fails with the connection's first error).
func (n *nbConn) Write(p []byte) (int, error) {
	n.mu.Lock()
	if !n.loopMode {
		n.mu.Unlock()
		return n.tc.Write(p)
	}
	defer n.mu.Unlock()
	if n.err != nil {
		return 0, n.err
	}
	if n.flushing {
		n.pending = append(n.pending, p...)
		return len(p), nil
	}
	done, err := n.writeNow(p)
	if err != nil {
		n.err = err
		return done, err
	}
	if done < len(p) {
		n.pending = append(n.pending[:0], p[done:]...)
		n.flushing = true
		if !n.spawn(n.flush) {
			n.flushing = false
			n.err = net.ErrClosed
			return done, n.err
		}
	}
	return len(p), nil
}

// writeNow writes what the kernel accepts without waiting.
func (n *nbConn) writeNow(p []byte) (int, error) {
	done := 0
	var werr error
	err := n.raw.Write(func(fd uintptr) bool {
		for done < len(p) {
			m, e := syscall.Write(int(fd), p[done:])
			if m > 0 {
				done += m
			}
			if e == syscall.EINTR {
				continue
			}
			if e == syscall.EAGAIN {
				break
			}
			if e != nil {
				werr = e
				break
			}
			if m == 0 {
				werr = io.ErrUnexpectedEOF
				break
			}
		}
		return true // never wait here: the flusher waits instead
	})
	if err == nil {
		err = werr
	}
	return done, err
}

// flush runs on its own goroutine while there is a backlog; it blocks in the
// runtime's poller (not the loop) until the peer has taken everything.
func (n *nbConn) flush() {
	for {
		n.mu.Lock()
		buf := n.pending
		n.pending = nil
		if len(buf) == 0 {
			n.flushing = false
			closing := n.closing
			drained := n.onDrained
			n.mu.Unlock()
			if closing {
				_ = n.tc.Close()
				return
			}
			drained()
			return
		}
		n.mu.Unlock()
		if _, err := n.tc.Write(buf); err != nil {
			n.mu.Lock()
			n.err, n.flushing = err, false
			n.mu.Unlock()
			_ = n.tc.Close()
			return
		}
	}
}

// closeAfterFlush closes the socket once the backlog has left, waiting at
// most linger for a peer that stopped reading.
func (n *nbConn) closeAfterFlush(linger time.Duration) {
	n.mu.Lock()
	if n.flushing {
		n.closing = true
		n.mu.Unlock()
		_ = n.tc.SetWriteDeadline(time.Now().Add(linger))
		return
	}
	n.err = net.ErrClosed
	n.mu.Unlock()
	_ = n.tc.Close()
}

// ReadFrom keeps sendfile working for plain HTTP on a wrapped connection.
func (n *nbConn) ReadFrom(r io.Reader) (int64, error) {
	n.mu.Lock()
	lm := n.loopMode
	n.mu.Unlock()
	if lm {
		return 0, errors.New("lws: ReadFrom on a loop-owned connection")
	}
	return n.tc.ReadFrom(r)
}

// fd returns the socket's file descriptor for the readiness poller.
func (n *nbConn) fd() int {
	var fd int
	_ = n.raw.Control(func(f uintptr) { fd = int(f) })
	return fd
}

// The rest of net.Conn passes straight through.

func (n *nbConn) Read(p []byte) (int, error)        { return n.tc.Read(p) }
func (n *nbConn) Close() error                      { return n.tc.Close() }
func (n *nbConn) LocalAddr() net.Addr               { return n.tc.LocalAddr() }
func (n *nbConn) RemoteAddr() net.Addr              { return n.tc.RemoteAddr() }
func (n *nbConn) SetDeadline(t time.Time) error     { return n.tc.SetDeadline(t) }
func (n *nbConn) SetReadDeadline(t time.Time) error { return n.tc.SetReadDeadline(t) }

// SetWriteDeadline is ignored once the loop owns the connection: writes
// never block there, and the flusher must not be cut short by a deadline
// gorilla sets for a control frame.
func (n *nbConn) SetWriteDeadline(t time.Time) error {
	n.mu.Lock()
	lm := n.loopMode
	n.mu.Unlock()
	if lm {
		return nil
	}
	return n.tc.SetWriteDeadline(t)
}
