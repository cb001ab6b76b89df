package ss

import (
	"bufio"
	"fmt"
	"net"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// ProxyInfo makes Streams a client of an SS proxy (lws's sspc): no policy
// here; every stream opens a link to the proxy, which owns the policy, TLS
// and the network. The API is the same as for direct streams.
type ProxyInfo struct {
	// Address is the proxy's unix socket ("@name" for the Linux abstract
	// namespace, DefaultProxyAddress if empty), or with Port its host.
	Address string
	// Port, if set, reaches the proxy over TCP.
	Port int
}

// proxyRetry is how often a client retries a proxy it cannot reach.
const proxyRetry = time.Second

// clientLinkState is where a client stream's link is (lws's LPCS_*).
type clientLinkState int

const (
	linkDown           clientLinkState = iota // no link; a retry may be pending
	linkDialing                               // connecting to the proxy
	linkWaitCreate                            // STREAMTYPE sent, CREATE_RESULT awaited
	linkLocalConnected                        // the proxy made the stream; onward not up
	linkOperational                           // the proxy's stream is connected onward
)

// clientLink is a client stream's link to the proxy. Its fields are
// loop-owned except the writer's queue.
type clientLink struct {
	h     *Handle
	state clientLinkState
	gen   int         // which connection events belong to
	q     *frameQueue // the current link's outgoing messages; nil before the first
	retry lws.Sul

	wantConnect bool
	timeout     *uint32 // a TIMEOUT_UPDATE to send once the link is up
	pulling     bool    // inside the user's Tx: a RequestTx there waits its turn
	txBuf       []byte  // Tx's buffer; the frame copies what it sends
}

// createProxied is Create for a proxy client: CREATING is delivered here,
// then the link to the proxy is opened (and retried every second).
func (s *Streams) createProxied(info Info) (*Handle, error) {
	h := &Handle{s: s, info: info, policy: &Streamtype{Name: info.Streamtype}, metadata: map[string][]byte{}, txLen: -1}
	h.pc = &clientLink{h: h}
	s.handles[h] = struct{}{}
	if r := h.tell(StateCreating, 0); r != ResultOK {
		delete(s.handles, h)
		return nil, fmt.Errorf("ss: create %q: rejected in CREATING (%d)", info.Streamtype, r)
	}
	h.pc.dial()
	return h, nil
}

// dial opens the link to the proxy off the loop.
func (l *clientLink) dial() {
	h, s := l.h, l.h.s
	l.state = linkDialing
	l.gen++
	gen := l.gen
	network, addr := proxyNetAddr(s.opts.Proxy.Address, s.opts.Proxy.Port)
	s.goroutine(func() {
		nc, err := net.DialTimeout(network, addr, 5*time.Second)
		if !s.do(func() {
			if h.destroyed || l.gen != gen {
				if nc != nil {
					nc.Close()
				}
				return
			}
			if err != nil {
				l.down(fmt.Errorf("ss client: proxy %s: %w", addr, err))
				return
			}
			l.up(nc)
		}) && nc != nil {
			nc.Close()
		}
	})
}

// up starts a fresh link: reader, writer, STREAMTYPE.
func (l *clientLink) up(nc net.Conn) {
	s := l.h.s
	l.q = newFrameQueue(nc, nil)
	gen := l.gen
	s.goroutine(l.q.writeLoop)
	s.goroutine(func() {
		r := bufio.NewReader(nc)
		for {
			typ, body, err := readFrame(r)
			if err != nil {
				s.do(func() {
					if l.gen == gen && !l.h.destroyed {
						l.down(fmt.Errorf("ss client: link to the proxy lost: %w", err))
					}
				})
				return
			}
			s.do(func() {
				if l.gen == gen {
					l.handle(typ, body)
				}
			})
		}
	})
	s.log.Debug("ss client: link up; sending streamtype", "streamtype", l.h.policy.Name)
	l.state = linkWaitCreate
	l.send(frame(msgStreamtype, u32(uint32(l.h.info.ManualInitialTxCredit)), []byte(l.h.policy.Name)))
}

func (l *clientLink) send(b []byte) {
	if l.q != nil && !l.q.send(b) {
		l.h.s.log.Warn("ss client: proxy not reading; dropped the link")
	}
}

func (l *clientLink) hangup() {
	if l.q != nil {
		l.q.hangup()
	}
}

// down handles a lost or failed link: the user hears DISCONNECTED if the
// proxy had made the stream, and the link is retried every second.
func (l *clientLink) down(err error) {
	h := l.h
	wasUp := l.state >= linkLocalConnected
	l.hangup()
	l.gen++
	l.state = linkDown
	h.s.log.Info("ss client: retrying the proxy in 1 s", "streamtype", h.policy.Name, "err", err)
	if wasUp && h.event(StateDisconnected) {
		return
	}
	h.s.ctx.Schedule(&l.retry, proxyRetry, func(*lws.Sul) {
		if !h.destroyed && l.state == linkDown {
			l.dial()
		}
	})
}

// handle acts on one message from the proxy, on the loop.
func (l *clientLink) handle(typ byte, body []byte) {
	h := l.h
	switch {
	case typ == msgCreateResult && l.state == linkWaitCreate:
		if len(body) < 1 || body[0] != 0 {
			// The proxy could not make the stream (no such streamtype
			// in its policy): that will not change by retrying.
			l.hangup()
			l.gen++
			l.state = linkDown
			h.s.log.Warn("ss client: the proxy refused the stream", "streamtype", h.policy.Name)
			h.event(StateAllRetriesFailed)
			return
		}
		l.state = linkLocalConnected
		// Metadata goes before any payload.
		for name, v := range h.metadata {
			l.send(frame(msgMetadata, []byte{byte(len(name))}, []byte(name), v))
		}
		if l.timeout != nil {
			l.send(frame(msgTimeoutUpdate, u32(*l.timeout)))
		}
		if l.wantConnect {
			l.send(frame(msgOnwardConnect))
		}
		if h.txPending {
			l.requestTx()
		}
	case typ == msgConnState && l.state >= linkLocalConnected && len(body) == 5:
		st := State(body[0])
		switch st {
		case StateConnected:
			l.state = linkOperational
		case StateDisconnected, StateUnreachable, StateAuthFailed:
			l.state = linkLocalConnected
		}
		h.event(st)
	case typ == msgRxPayload && l.state >= linkLocalConnected:
		flags, payload, err := splitPayload(body)
		if err != nil {
			l.down(err)
			return
		}
		h.result(h.info.User.Rx(h, payload, flags))
	case typ == msgTxcrUpdateP && l.state >= linkLocalConnected:
		// tx credit: not modelled; the proxy's queue is bounded instead.
	default:
		l.down(fmt.Errorf("ss client: unexpected message 0x%02x in link state %d", typ, l.state))
	}
}

// requestTx pulls payload from the user and sends it to the proxy, once
// the proxy has made the stream; until then the request waits.
func (l *clientLink) requestTx() {
	h := l.h
	if l.state < linkLocalConnected || l.pulling {
		return
	}
	if l.txBuf == nil {
		l.txBuf = make([]byte, maxPayload)
	}
	buf := l.txBuf
	l.pulling = true
	n, flags, ok := h.pullTx(0, buf)
	l.pulling = false
	if !ok {
		return
	}
	l.send(payloadFrame(msgTxPayload, flags, buf[:n]))
	if h.txPending {
		// More asked for inside Tx: the next pull on the next loop turn,
		// so a busy sender cannot starve the loop.
		h.s.do(func() {
			if !h.destroyed && h.txPending && h.pc == l {
				l.requestTx()
			}
		})
	}
}

// The proxied forms of the Handle methods.

func (l *clientLink) connect() {
	l.wantConnect = true
	if l.state >= linkLocalConnected {
		l.send(frame(msgOnwardConnect))
	}
}

func (l *clientLink) metadata(name string, v []byte) {
	if l.state >= linkLocalConnected {
		l.send(frame(msgMetadata, []byte{byte(len(name))}, []byte(name), v))
	}
}

func (l *clientLink) setTimeout(ms uint32) {
	l.timeout = &ms
	if l.state >= linkLocalConnected {
		l.send(frame(msgTimeoutUpdate, u32(ms)))
	}
}

func (l *clientLink) destroy() {
	l.h.s.ctx.CancelSul(&l.retry)
	if l.state >= linkWaitCreate {
		l.send(frame(msgDestroying))
	}
	l.gen++
	if l.q != nil {
		l.q.finish() // the writer sends what is queued, then closes
	}
}
