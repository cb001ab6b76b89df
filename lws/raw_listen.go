//go:build unix

package lws

import (
	"errors"
	"net"
	"syscall"
)

// serveRaw accepts on a raw-only listener (LWS_SERVER_OPTION_ONLY_RAW):
// each socket leaves the Go runtime (its descriptor is duplicated and the
// net.TCPConn closed, as a plain ws connection's is) and is adopted on
// the loop with the vhost's listen_accept_role and _protocol.
func (l *listener) serveRaw() {
	defer close(l.served)
	for {
		tc, err := l.raw.AcceptTCP()
		if err != nil {
			if !l.draining.Load() && !errors.Is(err, net.ErrClosed) {
				l.ctx.log.Error("raw listener stopped", "addr", l.addr, "err", err)
			}
			return
		}
		fd, err := socketDup(tc)
		tc.Close()
		if err != nil {
			l.ctx.log.Error("raw accept", "addr", l.addr, "err", err)
			continue
		}
		if !l.ctx.loop.post(func() { l.adoptAccepted(fd, nil) }) {
			syscall.Close(fd)
		}
	}
}

// adoptAccepted binds an accepted socket on the loop; readbuf is what was
// read from it already (the first bytes of a fallback connection).
func (l *listener) adoptAccepted(fd int, readbuf []byte) {
	vh := l.firstVhost()
	if vh == nil {
		syscall.Close(fd)
		return
	}
	ops := roleRawSkt
	if name := vh.info.ListenAcceptRole; name != "" {
		if ops = roleByName(name); ops == nil {
			vh.ctx.log.Error("raw accept: no such role", "role", name)
			syscall.Close(fd)
			return
		}
	}
	if _, err := vh.adopt(ops, AdoptSocket, fd, vh.info.ListenAcceptProtocol, readbuf); err != nil {
		vh.ctx.log.Warn("raw accept", "vhost", vh.name, "err", err)
	}
}

// socketDup returns a descriptor of its own (close-on-exec) for a
// connection's socket.
func socketDup(sc syscall.Conn) (int, error) {
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var derr error
	if err := rc.Control(func(s uintptr) {
		fd, derr = dupCloexec(int(s))
	}); err != nil {
		return -1, err
	}
	return fd, derr
}

// fallBack hands a connection the fast path found is not HTTP to the
// listen-accept role and protocol
// (LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG), with the
// bytes read so far. It reports false if the connection could not be
// handed over (it is closed then).
func (l *listener) fallBack(tc *net.TCPConn, readbuf []byte) bool {
	fd, err := socketDup(tc)
	tc.Close()
	if err != nil {
		l.ctx.log.Error("raw fallback", "addr", l.addr, "err", err)
		return false
	}
	rb := append([]byte(nil), readbuf...)
	if !l.ctx.loop.post(func() { l.adoptAccepted(fd, rb) }) {
		syscall.Close(fd)
		return false
	}
	return true
}
