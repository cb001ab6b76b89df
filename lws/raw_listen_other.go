//go:build !unix

package lws

// serveRaw: without unix descriptors a raw-only listener accepts nothing.
func (l *listener) serveRaw() {
	defer close(l.served)
	l.ctx.log.Error("raw listeners need unix descriptors", "addr", l.addr)
}
