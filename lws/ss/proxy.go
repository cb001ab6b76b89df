package ss

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// proxyNetAddr works out the listen or dial address: TCP on port (bind
// is then the interface or address), else a unix socket: bind as a path, or
// "@name" in the abstract namespace, DefaultProxyAddress if empty.
func proxyNetAddr(bind string, port int) (network, addr string) {
	if port > 0 {
		return "tcp", net.JoinHostPort(bind, strconv.Itoa(port))
	}
	if bind == "" {
		bind = DefaultProxyAddress
	}
	return "unix", bind
}

// ProxyListen makes these Streams an SS proxy (lws_ss_proxy_create): client
// processes connect on the returned address, each of their streams over a
// link of its own, and this process creates and runs the real stream. It
// listens on the abstract unix socket "@proxy.ss.lws" unless bind or port
// say otherwise (see ProxyInfo). Call it on the loop; the listener closes
// with the context.
func (s *Streams) ProxyListen(bind string, port int) (net.Addr, error) {
	if s.policy == nil {
		return nil, errors.New("ss proxy: a proxy needs a policy")
	}
	network, addr := proxyNetAddr(bind, port)
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("ss proxy: listen on %s %s: %w", network, addr, err)
	}
	s.proxyLn = append(s.proxyLn, ln)
	s.log.Info("ss proxy: listening", "network", network, "addr", ln.Addr().String())
	s.goroutine(func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			l := &proxyLink{s: s, nc: nc}
			l.q = newFrameQueue(nc, func() {
				s.linkMu.Lock()
				delete(s.links, l)
				s.linkMu.Unlock()
			})
			s.linkMu.Lock()
			s.links[l] = struct{}{}
			s.linkMu.Unlock()
			s.goroutine(l.q.writeLoop)
			s.goroutine(l.readLoop)
		}
	})
	return ln.Addr(), nil
}

// proxyLink is the proxy's side of one client stream's link.
type proxyLink struct {
	s  *Streams
	nc net.Conn
	q  *frameQueue

	// Loop-owned.
	h       *Handle
	created bool     // CREATE_RESULT went out
	early   [][]byte // states relayed before CREATE_RESULT
	tx      []txPiece
}

type txPiece struct {
	data  []byte
	flags Flags
}

func (l *proxyLink) send(b []byte) {
	if !l.created {
		l.early = append(l.early, b)
		return
	}
	l.enqueue(b)
}

func (l *proxyLink) enqueue(b []byte) {
	if !l.q.send(b) {
		l.s.log.Warn("ss proxy: client not reading; hung up its link")
	}
}

func (l *proxyLink) hangup() { l.q.hangup() }

func (l *proxyLink) readLoop() {
	r := bufio.NewReader(l.nc)
	for {
		typ, body, err := readFrame(r)
		if err != nil {
			l.s.do(l.gone)
			l.hangup()
			return
		}
		if !l.s.do(func() { l.handle(typ, body) }) {
			l.hangup()
			return
		}
	}
}

// gone runs when the client's link closes: its stream goes with it.
func (l *proxyLink) gone() {
	if l.h != nil && !l.h.destroyed {
		l.s.log.Info("ss proxy: client link closed; destroying its stream", "streamtype", l.h.policy.Name)
		l.h.Destroy()
	}
	l.h = nil
}

// handle acts on one message from the client, on the loop. A message not
// valid in the link's state hangs the link up.
func (l *proxyLink) handle(typ byte, body []byte) {
	protoErr := func(why string) {
		l.s.log.Warn("ss proxy: protocol error; hanging up", "msg", fmt.Sprintf("0x%02x", typ), "why", why)
		l.gone()
		l.hangup()
	}
	if l.h == nil {
		if typ != msgStreamtype || len(body) < 5 {
			protoErr("expected STREAMTYPE first")
			return
		}
		name := string(body[4:])
		h, err := l.s.Create(Info{Streamtype: name, User: l, Flags: Proxied})
		if err != nil {
			l.s.log.Info("ss proxy: cannot create the client's stream", "streamtype", name, "err", err)
			l.created = true
			l.enqueue(frame(msgCreateResult, []byte{1}))
			l.hangup()
			return
		}
		l.h = h
		l.created = true
		l.enqueue(frame(msgCreateResult, []byte{0}))
		for _, b := range l.early {
			l.enqueue(b)
		}
		l.early = nil
		return
	}
	h := l.h
	switch typ {
	case msgOnwardConnect:
		_ = h.ClientConnect()
	case msgMetadata:
		if len(body) < 1 || len(body) < 1+int(body[0]) {
			protoErr("short METADATA")
			return
		}
		name, value := string(body[1:1+body[0]]), body[1+body[0]:]
		if err := h.SetMetadata(name, value); err != nil {
			l.s.log.Info("ss proxy: client metadata refused", "err", err)
		}
	case msgTxPayload:
		flags, payload, err := splitPayload(body)
		if err != nil {
			protoErr(err.Error())
			return
		}
		l.tx = append(l.tx, txPiece{append([]byte(nil), payload...), flags})
		h.RequestTx()
	case msgTimeoutUpdate:
		if len(body) != 4 {
			protoErr("TIMEOUT_UPDATE length")
			return
		}
		switch ms := binary.BigEndian.Uint32(body); ms {
		case 0xffffffff:
			h.CancelTimeout()
		default:
			h.StartTimeout(time.Duration(ms) * time.Millisecond)
		}
	case msgTxcrUpdateC:
		// tx credit: the proxy's per-link queue is bounded instead.
	case msgDestroying:
		l.gone()
		l.hangup()
	default:
		protoErr("not a client-to-proxy message")
	}
}

// Rx relays payload to the client.
func (l *proxyLink) Rx(h *Handle, buf []byte, flags Flags) Result {
	for first := true; first || len(buf) > 0; first = false {
		n := min(len(buf), maxPayload)
		f := flags
		if n < len(buf) {
			f &^= FlagEOM // more of this piece follows
		}
		if !first {
			f &^= FlagSOM
		}
		l.send(payloadFrame(msgRxPayload, f, buf[:n]))
		buf = buf[n:]
	}
	return ResultOK
}

// Tx hands the stream what the client sent, as it arrived.
func (l *proxyLink) Tx(h *Handle, ord uint32, buf []byte) (int, Flags, Result) {
	if len(l.tx) == 0 {
		return 0, 0, ResultTxDontSend
	}
	p := &l.tx[0]
	n := copy(buf, p.data)
	flags := p.flags
	if n < len(p.data) {
		flags &^= FlagEOM
		p.data, p.flags = p.data[n:], p.flags&^FlagSOM
	} else {
		l.tx = l.tx[1:]
	}
	if len(l.tx) > 0 {
		h.RequestTx()
	}
	return n, flags, ResultOK
}

// State relays the stream's states; CREATING and DESTROYING are the
// client's own.
func (l *proxyLink) State(h *Handle, st State, ack uint32) Result {
	if st == StateCreating || st == StateDestroying || st > 255 {
		return ResultOK
	}
	l.send(frame(msgConnState, []byte{byte(st)}, u32(ack)))
	return ResultOK
}
