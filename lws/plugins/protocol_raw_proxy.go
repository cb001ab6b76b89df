//go:build unix

package plugins

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// RawProxy is "raw-proxy", lws's plugins/raw-proxy: every raw connection
// bound to it (accepted by a raw-only listener, or fallen back from
// HTTP) is relayed byte for byte to a new TCP connection to the vhost's
// "onward" option ("ipv4:127.0.0.1:22", lws's form; "ipv6:[::1]:22" and
// plain "host:port" work too). Both directions keep lws's writeable
// discipline; each side holds at most rawProxyMaxQueued bytes for its
// peer, and the side that filled it stops reading until half has left,
// so a peer that never reads costs a bounded amount and pushes back on
// the other end through TCP.
var RawProxy = &lws.Protocol{
	Name:       "raw-proxy",
	Callback:   callbackRawProxy,
	NewSession: func() any { return &rawProxyPss{} },
}

func init() {
	lws.RegisterPlugin(lws.Plugin{APIMagic: lws.PluginAPIMagic, Name: RawProxy.Name, Protocols: []*lws.Protocol{RawProxy}})
}

// rawProxyMaxQueued bounds what one side holds for the other.
const rawProxyMaxQueued = 256 << 10

// rawProxyDialTimeout bounds the onward connect.
const rawProxyDialTimeout = 10 * time.Second

// rawProxyVhd is the per-vhost data: where to go, and the side whose
// onward connection is being adopted right now.
type rawProxyVhd struct {
	onward   string
	adopting *rawProxyPss
}

// rawProxyPss is one side of a proxied pair.
type rawProxyPss struct {
	self, peer *lws.Conn
	peerPss    *rawProxyPss
	queue      [][]byte // bytes from the peer waiting to be written here
	queued     int
	held       [][]byte // bytes that arrived before the onward side existed
	heldLen    int
	paused     bool // this side stopped reading: the peer's queue is full
	peerGone   bool // the peer closed: flush the queue, then close
	closed     bool
	onward     bool
}

// onwardAddr turns lws's "ipv4:addr:port" into a dial address.
func onwardAddr(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "ipv4:"), "ipv6:")
	if _, _, err := net.SplitHostPort(s); err != nil {
		return "", fmt.Errorf("raw-proxy: onward %q: %w", s, err)
	}
	return s, nil
}

func callbackRawProxy(c *lws.Conn, reason lws.Reason, user any, in []byte) error {
	pss, _ := user.(*rawProxyPss)
	vhd, _ := c.ProtocolData().(*rawProxyVhd)

	switch reason {
	case lws.ReasonProtocolInit:
		addr, err := onwardAddr(c.Options()["onward"])
		if err != nil {
			return err
		}
		c.SetProtocolData(&rawProxyVhd{onward: addr})

	case lws.ReasonRawAdopt:
		pss.self = c
		if other := vhd.adopting; other != nil {
			// The onward side of a pair, adopted just now below.
			vhd.adopting = nil
			pss.onward, pss.peer, pss.peerPss = true, other.self, other
			other.peer, other.peerPss = c, pss
			return nil
		}
		// A new accepted side: connect onward off the loop, reading
		// nothing more meanwhile.
		pss.paused = true
		c.RxFlowControl(false)
		ctx, addr := c.Context(), vhd.onward
		go func() {
			fd, err := dialOnward(addr)
			if !ctx.Do(func() { pss.onwardReady(vhd, fd, err) }) && err == nil {
				syscall.Close(fd)
			}
		}()

	case lws.ReasonRawRx:
		if pss.peerGone {
			// Nobody to give it to: read no more, the close follows
			// once what the peer sent has been written.
			c.RxFlowControl(false)
			return nil
		}
		buf := append([]byte(nil), in...)
		if pss.peer == nil {
			// Bytes before the onward side exists (a fallback's first
			// ones): held for it, within the same bound.
			pss.queueFor(buf)
			return nil
		}
		pss.peerPss.queue = append(pss.peerPss.queue, buf)
		pss.peerPss.queued += len(buf)
		pss.peer.CallbackOnWritable()
		if pss.peerPss.queued >= rawProxyMaxQueued && !pss.paused {
			pss.paused = true
			c.RxFlowControl(false) // the peer is not taking it: stop reading
		}

	case lws.ReasonRawWriteable:
		if len(pss.queue) == 0 {
			if pss.peerGone {
				return errors.New("raw-proxy: peer gone, all written")
			}
			return nil
		}
		b := pss.queue[0]
		if _, err := c.Write(b, lws.WriteRaw); err != nil {
			return fmt.Errorf("raw-proxy: write: %w", err)
		}
		pss.queue[0] = nil
		pss.queue = pss.queue[1:]
		pss.queued -= len(b)
		if len(pss.queue) > 0 || pss.peerGone {
			c.CallbackOnWritable()
		}
		if p := pss.peerPss; p != nil && p.paused && pss.queued <= rawProxyMaxQueued/2 {
			p.paused = false
			p.self.RxFlowControl(true)
		}

	case lws.ReasonRawClose:
		pss.closed = true
		if p := pss.peerPss; p != nil && !p.closed {
			// The other side writes what it still holds, then closes.
			p.peerGone, p.peer, p.peerPss = true, nil, nil
			p.self.CallbackOnWritable()
		}
	}
	return nil
}

// queueFor holds bytes that arrived before the onward side existed.
func (pss *rawProxyPss) queueFor(b []byte) {
	pss.held = append(pss.held, b)
	pss.heldLen += len(b)
	if pss.heldLen >= rawProxyMaxQueued && !pss.paused {
		pss.paused = true
		pss.self.RxFlowControl(false)
	}
}

// onwardReady runs on the loop once the onward connect ended. Bytes held
// by the accepted side (queueFor) move to the onward side.
func (pss *rawProxyPss) onwardReady(vhd *rawProxyVhd, fd int, err error) {
	if pss.closed {
		if err == nil {
			syscall.Close(fd)
		}
		return
	}
	if err != nil {
		pss.self.Context().Logger().Warn("raw-proxy: onward connect failed", "onward", vhd.onward, "err", err)
		pss.self.SetTimeout(0, lws.TimeoutKillSync)
		return
	}
	held, heldLen := pss.held, pss.heldLen
	pss.held, pss.heldLen = nil, 0
	vhd.adopting = pss
	onward, aerr := pss.self.Vhost().AdoptDescriptor(lws.AdoptSocket, fd, pss.self.Protocol().Name, nil)
	vhd.adopting = nil
	if aerr != nil {
		pss.self.Context().Logger().Warn("raw-proxy: onward adoption failed", "err", aerr)
		pss.self.SetTimeout(0, lws.TimeoutKillSync)
		return
	}
	if len(held) > 0 {
		op := pss.peerPss
		op.queue = append(held, op.queue...)
		op.queued += heldLen
		onward.CallbackOnWritable()
	}
	if pss.paused && pss.peerPss != nil && pss.peerPss.queued < rawProxyMaxQueued {
		pss.paused = false
		pss.self.RxFlowControl(true)
	}
}

// dialOnward connects to addr and returns a descriptor of its own.
func dialOnward(addr string) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, rawProxyDialTimeout)
	if err != nil {
		return -1, err
	}
	defer conn.Close()
	rc, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var derr error
	if err := rc.Control(func(s uintptr) {
		if fd, derr = syscall.Dup(int(s)); derr == nil {
			syscall.CloseOnExec(fd)
		}
	}); err != nil {
		return -1, err
	}
	return fd, derr
}
