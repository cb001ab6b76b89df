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
		if !l.ctx.loop.post(func() { l.adoptAccepted(fd) }) {
			syscall.Close(fd)
		}
	}
}

// adoptAccepted binds an accepted socket on the loop.
func (l *listener) adoptAccepted(fd int) {
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
	if _, err := vh.adopt(ops, AdoptSocket, fd, vh.info.ListenAcceptProtocol); err != nil {
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
