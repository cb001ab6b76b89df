//go:build !linux

package lws

// poller on systems without epoll: each ws connection keeps a goroutine
// blocked in its read cycle, as a plain Go server does. The programming
// model is the same; only the idle cost differs.
type poller struct{}

func newPoller(*Context) (*poller, error) { return &poller{}, nil }

func (p *poller) add(w *wsConn) error {
	w.readable()
	return nil
}

func (p *poller) arm(*wsConn) bool { return false }
func (p *poller) remove(*wsConn)   {}
func (p *poller) close()           {}
