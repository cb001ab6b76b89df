//go:build !unix

package lws

import "net"

// serveRaw: without unix descriptors a raw-only listener accepts nothing.
func (l *listener) serveRaw() {
	defer close(l.served)
	l.ctx.log.Error("raw listeners need unix descriptors", "addr", l.addr)
}

// fallBack: no raw fallback without unix descriptors; the connection
// closes.
func (l *listener) fallBack(tc *net.TCPConn, _ []byte) bool {
	tc.Close()
	return false
}
