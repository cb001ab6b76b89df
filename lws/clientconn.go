package lws

import (
	"bytes"
	"net"
	"time"
)

// clientConn is the socket under a plain ws client's gorilla Conn: the
// dialled net.TCPConn while gorilla does the handshake, the loop-owned
// socket (fdConn, as for server connections) once it is done. During the
// handshake it gathers the response header whole and hands gorilla only
// that, so frames the server sends straight after the 101 stay here for
// the loop instead of disappearing into gorilla's own read buffer.
type clientConn struct {
	tc      *net.TCPConn
	fc      *fdConn // set by toLoop
	hdr     []byte  // the response header, gathered, then handed to gorilla
	rest    []byte  // bytes after the response header
	hdrDone bool
}

// maxResponseHeader bounds the 101 the client gathers; a longer one goes
// to gorilla as it is, to be refused there.
const maxResponseHeader = 16 << 10

func (h *clientConn) Read(p []byte) (int, error) {
	if h.fc != nil {
		return h.fc.Read(p)
	}
	if !h.hdrDone {
		if err := h.readHeader(); err != nil && len(h.hdr) == 0 {
			return 0, err
		}
	}
	for _, b := range []*[]byte{&h.hdr, &h.rest} {
		// The header, then (only a refused handshake reads on) its body.
		if len(*b) > 0 {
			n := copy(p, *b)
			*b = (*b)[n:]
			return n, nil
		}
	}
	return h.tc.Read(p)
}

// readHeader reads the response up to the blank line that ends its header.
func (h *clientConn) readHeader() error {
	var buf [2048]byte
	for {
		if i := bytes.Index(h.hdr, []byte("\r\n\r\n")); i >= 0 {
			h.rest = append(h.rest, h.hdr[i+4:]...)
			h.hdr = completeDeflateAnswer(h.hdr[:i+4])
			h.hdrDone = true
			return nil
		}
		if len(h.hdr) > maxResponseHeader {
			h.hdrDone = true
			return nil
		}
		n, err := h.tc.Read(buf[:])
		h.hdr = append(h.hdr, buf[:n]...)
		if err != nil {
			h.hdrDone = true
			return err
		}
	}
}

// completeDeflateAnswer adds client_no_context_takeover to a
// permessage-deflate answer that has server_no_context_takeover but not
// it. RFC 7692 7.1.1.2 lets a server leave it out even though the client
// offered it: the client may compress without context takeover anyway,
// and gorilla's client always does. But gorilla refuses such an answer
// ("invalid compression negotiation"), so the header is completed with
// what the client does before gorilla reads it. Only the first
// permessage-deflate element counts, as for gorilla.
func completeDeflateAnswer(hdr []byte) []byte {
	lines := bytes.SplitAfter(hdr, []byte("\n"))
	for i, line := range lines {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !bytes.EqualFold(bytes.TrimSpace(name), []byte("Sec-WebSocket-Extensions")) {
			continue
		}
		elems := bytes.Split(bytes.TrimRight(value, "\r\n"), []byte(","))
		for j, e := range elems {
			params := bytes.Split(e, []byte(";"))
			if !bytes.EqualFold(bytes.TrimSpace(params[0]), []byte("permessage-deflate")) {
				continue
			}
			var snct, cnct bool
			for _, p := range params[1:] {
				snct = snct || bytes.EqualFold(bytes.TrimSpace(p), []byte("server_no_context_takeover"))
				cnct = cnct || bytes.EqualFold(bytes.TrimSpace(p), []byte("client_no_context_takeover"))
			}
			if !snct || cnct {
				return hdr
			}
			elems[j] = append(append([]byte(nil), e...), "; client_no_context_takeover"...)
			fixed := append(append(append([]byte(nil), name...), ':'), bytes.Join(elems, []byte(","))...)
			lines[i] = append(fixed, "\r\n"...)
			return bytes.Join(lines, nil)
		}
	}
	return hdr
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
