package lws

import (
	"net"
	"time"
)

// clientConn is the socket under a plain ws client's gorilla Conn: the
// dialled net.TCPConn while gorilla does the handshake, the loop-owned
// socket (fdConn, as for server connections) once it is done. During the
// handshake it hands gorilla the response only up to the end of its
// header, so frames the server sends straight after the 101 stay here for
// the loop instead of disappearing into gorilla's own read buffer.
type clientConn struct {
	tc      *net.TCPConn
	fc      *fdConn // set by toLoop
	rest    []byte  // bytes after the response header
	tail    uint32  // the last four bytes read, to spot CRLF CRLF
	hdrDone bool
}

func (h *clientConn) Read(p []byte) (int, error) {
	switch {
	case h.fc != nil:
		return h.fc.Read(p)
	case h.hdrDone:
		// Only a refused handshake reads on (its body).
		if len(h.rest) > 0 {
			n := copy(p, h.rest)
			h.rest = h.rest[n:]
			return n, nil
		}
		return h.tc.Read(p)
	}
	n, err := h.tc.Read(p)
	for i := 0; i < n; i++ {
		h.tail = h.tail<<8 | uint32(p[i])
		if h.tail == 0x0d0a0d0a {
			h.rest = append(h.rest, p[i+1:n]...)
			h.hdrDone = true
			return i + 1, nil
		}
	}
	return n, err
}

func (h *clientConn) Write(p []byte) (int, error) {
	if h.fc != nil {
		return h.fc.Write(p)
	}
	return h.tc.Write(p)
}

func (h *clientConn) Close() error {
	if h.fc != nil {
		return h.fc.Close()
	}
	return h.tc.Close()
}

func (h *clientConn) LocalAddr() net.Addr  { return h.tc.LocalAddr() }
func (h *clientConn) RemoteAddr() net.Addr { return h.tc.RemoteAddr() }

func (h *clientConn) SetDeadline(t time.Time) error {
	if h.fc != nil {
		return nil
	}
	return h.tc.SetDeadline(t)
}

func (h *clientConn) SetReadDeadline(t time.Time) error {
	if h.fc != nil {
		return nil
	}
	return h.tc.SetReadDeadline(t)
}

func (h *clientConn) SetWriteDeadline(t time.Time) error {
	if h.fc != nil {
		return nil
	}
	return h.tc.SetWriteDeadline(t)
}
