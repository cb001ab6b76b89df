//go:build !linux

package lws

import (
	"errors"
	"net"
	"net/http"
)

// Without epoll every ws server connection uses read cycles (ws.go); the
// loop-owned socket of ws_fast.go does not exist here.
type fdConn struct {
	net.Conn // never set: newFDConn always fails here
	w        *wsConn
	fd       int
}

func takeFD(*net.TCPConn) (int, error) { return -1, errors.ErrUnsupported }

func (f *fdConn) busy() bool                   { return false }
func (f *fdConn) flushNow()                    {}
func (f *fdConn) flushed()                     {}
func (f *fdConn) noteDeflate(http.Header)      {}
func (f *fdConn) closeUnwatched()              {}
func (w *wsConn) shutdownFast(*Conn, closeWhy) {}
func (w *wsConn) setRxPausedFast(bool)         {}

func (w *wsConn) flushOut()          {}
func (w *wsConn) fastEvent(uint32)   {}
func (w *wsConn) fastEvents() uint32 { return 0 }
func (w *wsConn) closeFD()           {}
func (w *wsConn) rxPending()         {}

// loopClients: without epoll, clients read on their own goroutine.
const loopClients = false

func (h *clientConn) toLoop(*wsConn) error { return errors.ErrUnsupported }
