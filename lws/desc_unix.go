//go:build unix

package lws

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// descConn is a connection on an adopted descriptor, in one allocation
// with its wsi: the descriptor, the role that services it (RoleOps), and
// what the role's default write keeps for later (lws's buflist_out). The
// event loop watches it like any pollable.
type descConn struct {
	conn   Conn
	ops    *RoleOps
	out    []byte         // bytes the descriptor has not taken yet
	from   netip.AddrPort // UDP: the source of the last datagram
	fd     int
	events uint32 // what the event loop watches for
	typ    AdoptType

	linger   *Sul // a closed socket's drain deadline
	watched  bool
	draining bool // closed: our FIN went, the peer's bytes are read and dropped until its end
	v6       bool // an AF_INET6 socket: IPv4 destinations go v4-mapped
	paused   bool // lws_rx_flow_control(wsi, 0)
	fdClosed bool
}

// AdoptDescriptor makes a connection of fd on the vhost, bound to the
// named protocol (the vhost's first protocol when empty), with the first
// role that takes typ: the mirror of lws_adopt_descriptor_vhost. The
// connection owns fd from now on, and closes it when it closes (on an
// error too). The protocol hears the role's adoption reason
// (ReasonRawAdopt, ReasonRawAdoptFile) before AdoptDescriptor returns.
// Call it on the loop (from a callback or Context.Do) or before Run.
func (v *Vhost) AdoptDescriptor(typ AdoptType, fd int, protocol string, parent *Conn) (*Conn, error) {
	_ = parent // lws links the child under the parent wsi; nothing here depends on it yet
	return v.adopt(nil, typ, fd, protocol, nil)
}

// adopt binds fd to ops, or to the first role that takes typ.
// readbuf holds bytes already read from the descriptor: they are the
// first rx the protocol gets (lws_adopt_socket_vhost_readbuf).
func (v *Vhost) adopt(ops *RoleOps, typ AdoptType, fd int, protocol string, readbuf []byte) (*Conn, error) {
	fail := func(err error) (*Conn, error) {
		syscall.Close(fd)
		return nil, fmt.Errorf("lws: adopt descriptor %d: %w", fd, err)
	}
	if v.destroyed || v.ctx.destroyed.Load() {
		return fail(ErrDestroyed)
	}
	proto := v.adoptProtocol(protocol)
	if proto == nil {
		return fail(fmt.Errorf("no protocol %q on vhost %s", protocol, v.name))
	}
	if ops == nil {
		ops = bindRole(typ, protocol)
	}
	if ops == nil {
		return fail(errNoRole)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		return fail(fmt.Errorf("set non-blocking: %w", err))
	}
	d := &descConn{ops: ops, fd: fd, typ: typ}
	c := &d.conn
	*c = Conn{ctx: v.ctx, vh: v, proto: proto, role: roleDesc, desc: d}
	if typ&AdoptSocket != 0 {
		if sa, err := syscall.Getsockname(fd); err == nil {
			_, d.v6 = sa.(*syscall.SockaddrInet6)
		}
		if sa, err := syscall.Getpeername(fd); err == nil {
			if ap := addrPort(sa); ap.IsValid() {
				c.peer = ap.String()
			}
		}
	}
	if proto.NewSession != nil {
		c.pss = proto.NewSession()
	}
	v.ctx.conns.add(c)
	// The adoption reason runs before the descriptor is watched, as in
	// lws: nothing is read for a protocol that has not met the
	// connection.
	c.deliver(ops.AdoptionCB[1], nil)
	if c.closed {
		return nil, fmt.Errorf("lws: adopt descriptor %d: refused by protocol %s", fd, proto.Name)
	}
	d.events = pollIn
	d.watched = true
	if err := v.ctx.poll.add(d, d.events); err != nil {
		d.watched = false
		v.ctx.log.Error("adopted descriptor not watched", "fd", fd, "role", ops.Name, "err", err)
		c.closeNow(closeReasonPeer)
		return nil, fmt.Errorf("lws: adopt descriptor %d: %w", fd, err)
	}
	if len(readbuf) > 0 {
		c.deliver(ops.RxCB[1], readbuf)
		if c.closed {
			return nil, fmt.Errorf("lws: adopt descriptor %d: closed by protocol %s", fd, proto.Name)
		}
	}
	return c, nil
}

// adoptProtocol finds the protocol an adoption names, or the vhost's
// first (lws's default_protocol_index).
func (v *Vhost) adoptProtocol(name string) *Protocol {
	if name != "" {
		return v.ProtocolByName(name)
	}
	if len(v.info.Protocols) == 0 {
		return nil
	}
	return v.info.Protocols[0]
}

func (d *descConn) pollFD() int { return d.fd }

// pollEvent is lws_service_fd for an adopted descriptor: pending output
// first (lws gives truncated sends priority), then the role's
// handle_POLLIN.
func (d *descConn) pollEvent(ev uint32) {
	c := &d.conn
	if d.draining {
		d.drain()
		return
	}
	if d.fdClosed || c.closed {
		return
	}
	if ev&pollOut != 0 && len(d.out) > 0 {
		d.flush()
		if c.closed {
			return
		}
	}
	gone := ev&(pollHup|pollErr) != 0
	if ev&(pollIn|pollRdHup|pollHup|pollErr) == 0 {
		return
	}
	if d.paused {
		if gone {
			// Gone while we were not reading; epoll would report it
			// again at every wait.
			c.closeNow(closeReasonPeer)
		}
		return
	}
	if err := d.ops.HandlePollIn(c, gone && ev&pollIn == 0); err != nil {
		if !errors.Is(err, io.EOF) {
			c.ctx.log.Debug("adopted descriptor closes", "role", d.ops.Name, "peer", c.peer, "err", err)
		}
		c.closeNow(closeReasonPeer)
	}
}

// closeAtTeardown: the connection closes with the context anyway; this
// only covers a descriptor still watched after its connection closed.
func (d *descConn) closeAtTeardown() { d.closeFD() }

// setEvents tells the event loop what the connection waits for now:
// reads unless paused, writes while output waits.
func (d *descConn) setEvents() {
	if !d.watched || d.fdClosed {
		return
	}
	var ev uint32
	if !d.paused {
		ev = pollIn
	}
	if len(d.out) > 0 {
		ev |= pollOut
	}
	if ev == d.events {
		return
	}
	if err := d.conn.ctx.poll.modify(d, ev); err != nil {
		d.conn.ctx.log.Error("adopted descriptor not watched", "role", d.ops.Name, "err", err)
		return
	}
	d.events = ev
}

// write is the default write_role_protocol: straight to the descriptor;
// what it does not take now waits in out and leaves on pollOut, and the
// next writeable callback comes only once it has.
func (d *descConn) write(b []byte) (int, error) {
	if len(d.out) > 0 {
		d.out = append(d.out, b...)
		return len(b), nil
	}
	n, err := d.writeFD(b)
	if err != nil {
		return 0, err
	}
	if n < len(b) {
		d.out = append([]byte(nil), b[n:]...)
		d.setEvents()
	}
	return len(b), nil
}

// writeFD writes once, without waiting: to the source of the last
// datagram on a UDP socket.
func (d *descConn) writeFD(b []byte) (int, error) {
	if d.typ&AdoptFlagUDP != 0 {
		return d.sendTo(b, d.from)
	}
	for {
		n, err := syscall.Write(d.fd, b)
		switch err {
		case nil:
			return n, nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return 0, nil
		}
		return 0, fmt.Errorf("%s write: %w", d.ops.Name, err)
	}
}

// sendTo sends one datagram. UDP has no backlog to wait on: a datagram
// the socket buffer cannot take now is dropped and reported as 0 bytes
// sent, as sendto(2) does for lws's UDP examples.
func (d *descConn) sendTo(b []byte, to netip.AddrPort) (int, error) {
	if !to.IsValid() {
		return 0, errors.New("UDP write with no destination (no datagram to answer yet)")
	}
	if d.v6 && to.Addr().Is4() {
		to = netip.AddrPortFrom(netip.AddrFrom16(to.Addr().As16()), to.Port())
	}
	for {
		err := unix.Sendto(d.fd, b, 0, sockaddrOf(to))
		switch err {
		case nil:
			return len(b), nil
		case unix.EINTR:
			continue
		case unix.EAGAIN, unix.ENOBUFS:
			return 0, nil
		}
		return 0, fmt.Errorf("%s sendto %s: %w", d.ops.Name, to, err)
	}
}

// WriteUDP sends b as one datagram to to: sendto(2) on lws_get_socket_fd,
// as lws's UDP examples do, under the same one-write-per-writeable-
// callback rule as Write. It reports 0 bytes when the socket could not
// take the datagram now (it is dropped, as UDP drops).
func (c *Conn) WriteUDP(b []byte, to netip.AddrPort) (int, error) {
	if c.desc == nil || c.desc.typ&AdoptFlagUDP == 0 {
		return 0, errors.New("lws: WriteUDP on a connection that is not UDP")
	}
	if err := c.claimWrite(); err != nil {
		return 0, err
	}
	return c.desc.sendTo(b, to)
}

// LocalAddr is the address the adopted socket is bound to (getsockname).
func (c *Conn) LocalAddr() netip.AddrPort {
	if c.desc == nil || c.desc.fdClosed {
		return netip.AddrPort{}
	}
	sa, err := syscall.Getsockname(c.desc.fd)
	if err != nil {
		return netip.AddrPort{}
	}
	return addrPort(sa)
}

// flush sends what waits; once all has left the protocol may have its
// writeable callback.
func (d *descConn) flush() {
	c := &d.conn
	n, err := d.writeFD(d.out)
	if err != nil {
		c.ctx.log.Debug("adopted descriptor write failed", "role", d.ops.Name, "peer", c.peer, "err", err)
		c.closeNow(closeReasonPeer)
		return
	}
	d.out = d.out[n:]
	if len(d.out) > 0 {
		return
	}
	d.out = nil
	d.setEvents()
	c.queueWritable()
}

func (d *descConn) setPaused(paused bool) {
	d.paused = paused
	d.setEvents()
}

// closeFD takes the descriptor off the event loop and closes it.
func (d *descConn) closeFD() {
	if d.fdClosed {
		return
	}
	d.fdClosed = true
	d.draining = false
	if d.linger != nil {
		d.conn.ctx.CancelSul(d.linger)
	}
	if d.watched {
		d.watched = false
		d.conn.ctx.poll.remove(d)
	}
	_ = syscall.Close(d.fd)
	d.out = nil
}

// shutdown is the role's part of closing: close_role, the close reason,
// then the descriptor.
func (d *descConn) shutdown(c *Conn) {
	if d.ops.CloseRole != nil {
		d.ops.CloseRole(c)
	}
	_ = c.call(d.ops.CloseCB[1], nil)
	d.closeGracefully()
}

// rawLingerTime bounds how long a closed socket waits for the peer's end.
const rawLingerTime = 5 * time.Second

// closeGracefully ends a TCP socket without losing what the peer has not
// read yet: closing with unread input would make the kernel reset the
// connection, and a reset discards the peer's unread data (what we
// wrote last). So our FIN goes first, then what the peer still sends is
// read and dropped until its end, or rawLingerTime; other descriptors close
// at once.
func (d *descConn) closeGracefully() {
	if d.fdClosed || d.typ&AdoptSocket == 0 || d.typ&AdoptFlagUDP != 0 || !d.watched {
		d.closeFD()
		return
	}
	if len(d.out) > 0 {
		_, _ = d.writeFD(d.out) // one last try, as lws's close does
		d.out = nil
	}
	if err := syscall.Shutdown(d.fd, syscall.SHUT_WR); err != nil {
		d.closeFD()
		return
	}
	d.draining = true
	d.paused = false
	d.setEvents()
	ctx := d.conn.ctx
	d.linger = &Sul{}
	ctx.Schedule(d.linger, rawLingerTime, func(*Sul) { d.closeFD() })
	d.drain()
}

// drain reads and drops what a closing peer still sends; its end (or an
// error) closes the socket.
func (d *descConn) drain() {
	if d.fdClosed {
		return
	}
	buf := d.conn.ctx.loop.io.rxBuffer()
	for range 16 {
		n, err := syscall.Read(d.fd, buf)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return
		case err != nil || n == 0:
			d.closeFD()
			return
		}
	}
}

// Descriptor returns the connection's socket or file descriptor:
// lws_get_socket_fd. On an adopted file the protocol reads it itself in
// ReasonRawRxFile, as in lws; -1 if the connection has none.
func (c *Conn) Descriptor() int {
	if c.desc == nil || c.desc.fdClosed {
		return -1
	}
	return c.desc.fd
}

// UDPSource returns where the last datagram on an adopted UDP socket
// came from (lws_get_udp(wsi)->sa46); a Write answers it.
func (c *Conn) UDPSource() netip.AddrPort {
	if c.desc == nil || !c.desc.from.IsValid() {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(c.desc.from.Addr().Unmap(), c.desc.from.Port())
}

// DeliverRx hands what a role read to the protocol with the role's rx
// reason (ReasonRawRx for raw-skt): the part of a role's HandlePollIn
// that lws does with user_callback_handle_rxflow. A protocol error
// closes the connection.
func (c *Conn) DeliverRx(in []byte) {
	if c.desc == nil {
		return
	}
	c.deliver(c.desc.ops.RxCB[1], in)
}

// rawSktPollIn is raw-skt's handle_POLLIN: read what arrived into the
// loop's buffer (lws's pt->serv_buf) and deliver it as ReasonRawRx. A
// datagram is received whole: the buffer holds the largest one UDP
// carries.
func rawSktPollIn(c *Conn, _ bool) error {
	d := c.desc
	buf := c.ctx.loop.io.rxBuffer()
	for {
		var n int
		var err error
		if d.typ&AdoptFlagUDP != 0 {
			var sa unix.Sockaddr
			n, sa, err = unix.Recvfrom(d.fd, buf, 0)
			if err == nil {
				d.from = addrPortOf(sa)
			}
		} else {
			n, err = syscall.Read(d.fd, buf)
		}
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return nil
		case err != nil:
			return fmt.Errorf("raw read: %w", err)
		case n == 0 && d.typ&AdoptFlagUDP == 0:
			return io.EOF
		}
		c.DeliverRx(buf[:n])
		return nil
	}
}

// rawFilePollIn is raw-file's handle_POLLIN: the protocol is told the
// file has something to read and reads it itself. As in lws, readable
// with nothing to read (the writer went away) and a hang-up without data
// close the connection; so does a tty that hung up (FIONREAD fails with
// EIO).
func rawFilePollIn(c *Conn, hup bool) error {
	if hup {
		return io.EOF
	}
	switch n, err := unix.IoctlGetInt(c.desc.fd, fionread); {
	case err == nil && n == 0:
		return io.EOF
	case err == unix.EIO:
		return fmt.Errorf("raw file gone: %w", err) // a tty whose other side hung up
	}
	c.deliver(ReasonRawRxFile, nil)
	return nil
}

// addrPortOf and sockaddrOf convert between the kernel's addresses and
// netip's.
func addrPortOf(sa unix.Sockaddr) netip.AddrPort {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port))
	}
	return netip.AddrPort{}
}

func addrPort(sa syscall.Sockaddr) netip.AddrPort {
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *syscall.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr).Unmap(), uint16(a.Port))
	}
	return netip.AddrPort{}
}

func sockaddrOf(ap netip.AddrPort) unix.Sockaddr {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Addr: ap.Addr().As4(), Port: int(ap.Port())}
	}
	return &unix.SockaddrInet6{Addr: ap.Addr().As16(), Port: int(ap.Port())}
}

// CAUDP are lws_create_adopt_udp's flags, with lws's values.
type CAUDP int

// lws_create_adopt_udp flags.
const (
	CAUDPBind      CAUDP = 1 << 0 // LWS_CAUDP_BIND: bind to ads:port (else the socket sends to ads:port)
	CAUDPBroadcast CAUDP = 1 << 1 // LWS_CAUDP_BROADCAST: SO_BROADCAST
)

// CreateAdoptUDP creates a UDP socket, binds it to ads:port with
// CAUDPBind (ads empty: every address; port 0: any free one), or else
// aims its writes at ads:port, and adopts it on the vhost with the named
// protocol: the mirror of lws_create_adopt_udp. Each datagram is one
// ReasonRawRx, with its source in Conn.UDPSource. Call it on the loop or
// before Run.
func (v *Vhost) CreateAdoptUDP(ads string, port int, flags CAUDP, protocol string) (*Conn, error) {
	bind := ":0"
	var to netip.AddrPort
	if flags&CAUDPBind != 0 {
		bind = net.JoinHostPort(ads, strconv.Itoa(port))
	} else if ads != "" {
		ua, err := net.ResolveUDPAddr("udp", net.JoinHostPort(ads, strconv.Itoa(port)))
		if err != nil {
			return nil, fmt.Errorf("lws: create udp: %w", err)
		}
		to = ua.AddrPort()
	}
	pc, err := net.ListenPacket("udp", bind)
	if err != nil {
		return nil, fmt.Errorf("lws: create udp: %w", err)
	}
	fd, err := socketDup(pc.(*net.UDPConn))
	pc.Close()
	if err != nil {
		return nil, fmt.Errorf("lws: create udp: %w", err)
	}
	if flags&CAUDPBroadcast != 0 {
		if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1); err != nil {
			syscall.Close(fd)
			return nil, fmt.Errorf("lws: create udp: SO_BROADCAST: %w", err)
		}
	}
	c, err := v.adopt(roleRawSkt, AdoptRawSocketUDP, fd, protocol, nil)
	if err != nil {
		return nil, err
	}
	if to.IsValid() {
		c.desc.from = to
	}
	return c, nil
}
