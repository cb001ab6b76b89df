package lws

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// nbConn wraps a TCP connection so that, once a ws connection belongs to the
// loop, writes never block the loop goroutine: a write only queues the bytes
// and makes sure a flusher goroutine is sending them; the flusher blocks in
// the runtime's poller (on any core, never on the loop) and tells the loop
// when everything has left. This is lws's "truncated send" buffer made the
// rule, and it is why a writeable callback means "the previous write has
// left". Keeping the write syscalls off the loop also lets a busy server use
// every core for them, where lws's single thread does them one by one.
// Before the loop owns the connection (HTTP, the TLS handshake) it is a
// plain blocking net.Conn.
type nbConn struct {
	tc  *net.TCPConn // not embedded: net.Buffers would find its writev and block
	raw syscall.RawConn

	mu       sync.Mutex
	held     bool          // writes wait in pending until loop mode (see hold)
	loopMode bool          // writes are non-blocking and report drain to onDrained
	pending  []byte        // bytes queued for the flusher, in order
	spare    []byte        // the flusher's last buffer, reused while it runs
	flushing atomic.Bool   // written bytes have not all left yet
	notify   atomic.Bool   // the loop waits to hear that they have
	alive    bool          // a flusher goroutine exists (it lingers briefly when done)
	more     chan struct{} // wakes a lingering flusher
	closing  bool          // close once pending is flushed
	graceful func()        // called instead of Close once the backlog has left
	err      error         // first write error; later writes fail with it
	writing  int           // bytes the flusher took and is still writing
	room     chan struct{} // closed when a reader waiting in waitRoom may go on

	onDrained func()      // posts "write has left" to the loop
	onFailed  func(error) // posts a write error to the loop, which closes
	spawn     func(func()) bool
}

// maxSpare bounds the buffer a connection keeps between writes.
const maxSpare = 16 << 10

func newNBConn(tc *net.TCPConn) (*nbConn, error) {
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil, err
	}
	return &nbConn{tc: tc, raw: raw}, nil
}

// enterLoopMode switches writes to non-blocking; onDrained runs (on some
// goroutine) whenever a backlog finished draining, onFailed when a write
// failed: the loop then closes the connection, stopping watching the
// socket before it is closed, so its descriptor number can never be
// reused while the poller still has it.
func (n *nbConn) enterLoopMode(onDrained func(), onFailed func(error), spawn func(func()) bool) {
	n.mu.Lock()
	n.loopMode, n.onDrained, n.onFailed, n.spawn = true, onDrained, onFailed, spawn
	held := n.held && len(n.pending) > 0
	n.held = false
	if held {
		n.flushing.Store(true)
		n.startFlusherLocked()
	}
	n.mu.Unlock()
}

// hold keeps what is written (a ws upgrade's 101) until the loop takes the
// connection, so the protocol's ESTABLISHED runs before the peer can talk.
func (n *nbConn) hold() {
	n.mu.Lock()
	n.held = true
	n.mu.Unlock()
}

// busyNotify reports whether written bytes are still leaving; if so the
// flusher will call onDrained when they have. Only the loop calls it.
func (n *nbConn) busyNotify() bool {
	if !n.flushing.Load() {
		return false
	}
	n.notify.Store(true)
	// The flusher may have finished between the two lines above; it checks
	// notify only after clearing flushing, so one of us sees the other.
	return n.flushing.Load()
}

// Write implements net.Conn. In loop mode it never blocks and always
// accepts all of p (or fails with the connection's first error).
func (n *nbConn) Write(p []byte) (int, error) {
	n.mu.Lock()
	if n.held {
		n.pending = append(n.pending, p...)
		n.mu.Unlock()
		return len(p), nil
	}
	if !n.loopMode {
		n.mu.Unlock()
		return n.tc.Write(p)
	}
	defer n.mu.Unlock()
	if n.err != nil {
		return 0, n.err
	}
	n.pending = append(n.pending, p...)
	n.flushing.Store(true)
	if n.alive {
		select {
		case n.more <- struct{}{}:
		default:
		}
		return len(p), nil
	}
	if !n.startFlusherLocked() {
		return 0, n.err
	}
	return len(p), nil
}

// startFlusherLocked starts the flusher for what is pending (n.mu held);
// if the context is tearing down it fails the connection instead.
func (n *nbConn) startFlusherLocked() bool {
	n.alive, n.more = true, make(chan struct{}, 1)
	if !n.spawn(n.flush) {
		n.alive = false
		n.flushing.Store(false)
		n.err = net.ErrClosed
		return false
	}
	return true
}

// flush runs on its own goroutine while bytes are queued; it blocks in the
// runtime's poller (not the loop) until the peer has taken everything. While
// it runs, two buffers swap roles so a stream of writes allocates nothing.
func (n *nbConn) flush() {
	n.mu.Lock()
	more := n.more
	n.mu.Unlock()
	var linger *time.Timer
	for {
		n.mu.Lock()
		buf := n.pending
		n.pending = n.spare[:0]
		n.spare = nil
		n.writing = len(buf)
		if len(buf) == 0 {
			n.wakeRoomLocked()
			n.flushing.Store(false)
			if n.closing {
				n.alive, n.more = false, nil
				graceful := n.graceful
				n.mu.Unlock()
				if graceful != nil {
					graceful()
				} else {
					_ = n.tc.Close()
				}
				return
			}
			n.mu.Unlock()
			if n.notify.Swap(false) {
				n.onDrained()
			}
			// A busy connection writes again soon: wait a little for it
			// rather than ending and starting a goroutine per write.
			if linger == nil {
				linger = time.NewTimer(lingerTime)
			} else {
				linger.Reset(lingerTime)
			}
			select {
			case <-more:
				continue
			case <-linger.C:
			}
			n.mu.Lock()
			if len(n.pending) > 0 || n.closing {
				n.mu.Unlock()
				continue
			}
			n.alive, n.more = false, nil
			n.pending, n.spare = nil, nil // an idle connection keeps no buffer
			n.mu.Unlock()
			return
		}
		n.mu.Unlock()
		_, err := n.tc.Write(buf)
		n.mu.Lock()
		n.writing = 0
		n.wakeRoomLocked()
		if n.spare == nil && cap(buf) <= maxSpare {
			n.spare = buf[:0]
		}
		n.mu.Unlock()
		if err != nil {
			n.mu.Lock()
			n.err = err
			n.flushing.Store(false)
			n.alive, n.more = false, nil
			n.pending = nil
			n.wakeRoomLocked()
			closing := n.closing
			n.mu.Unlock()
			if !closing {
				// The loop still watches the socket: it closes it,
				// after taking it off the poller.
				n.onFailed(err)
				return
			}
			// Closing: off the poller already. The peer did not take
			// the backlog within the linger time: reset rather than let
			// the kernel keep trying.
			_ = n.tc.SetLinger(0)
			_ = n.tc.Close()
			return
		}
	}
}

// waitRoom blocks a reader goroutine (never the loop) while more than
// maxPendingOut bytes wait to leave: a peer that sends pings and never
// reads the pongs is not read either, and TCP pushes back on it, as lws
// stops servicing rx while output is stuck.
func (n *nbConn) waitRoom() {
	n.mu.Lock()
	for n.loopMode && n.err == nil && !n.closing && len(n.pending)+n.writing > maxPendingOut {
		if n.room == nil {
			n.room = make(chan struct{})
		}
		room := n.room
		n.mu.Unlock()
		<-room
		n.mu.Lock()
	}
	n.mu.Unlock()
}

// wakeRoomLocked releases readers waiting in waitRoom (n.mu held).
func (n *nbConn) wakeRoomLocked() {
	if n.room != nil {
		close(n.room)
		n.room = nil
	}
}

// closeAfterFlush closes the socket once the backlog has left, waiting at
// most linger for a peer that stopped reading. With graceful set, that
// function runs instead of the close (on the flusher, or at once).
func (n *nbConn) closeAfterFlush(linger time.Duration, graceful func()) {
	n.mu.Lock()
	n.wakeRoomLocked()
	if n.alive {
		n.closing = true
		n.graceful = graceful
		select {
		case n.more <- struct{}{}: // wake it if it lingers
		default:
		}
		n.mu.Unlock()
		_ = n.tc.SetWriteDeadline(time.Now().Add(linger))
		return
	}
	n.err = net.ErrClosed
	n.mu.Unlock()
	if graceful != nil {
		graceful()
		return
	}
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
