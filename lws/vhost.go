package lws

import (
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"
)

// VhostInfo describes a vhost: the vhost half of struct
// lws_context_creation_info, as passed to lws_create_vhost.
type VhostInfo struct {
	// Name is the vhost name (lws's vhost_name), matched against Host: and
	// SNI. Empty means "default".
	Name string
	// Port to listen on; 0 picks a free port (see Vhost.Port), PortNoListen
	// means no listener. Vhosts on the same port share one listener and are
	// chosen by Host: (and by SNI under TLS).
	Port int
	// Interface is the address to bind (lws's iface); empty means all.
	Interface string
	// Protocols is the protocol table. By lws convention Protocols[0] serves
	// HTTP (use HTTPDummy); the first other protocol is the ws default for
	// clients that name no subprotocol.
	Protocols []*Protocol
	// Mounts map URL paths to directories, embedded files, callbacks or
	// redirects (lws's mounts).
	Mounts []Mount
	// PVO are per-vhost options handed to each protocol's
	// ReasonProtocolInit.
	PVO PVO
	// Options are LWS_SERVER_OPTION_* bits.
	Options Option
	// TLS, when it has a certificate, makes the listener TLS.
	TLS TLSInfo
	// ErrorDocument404 is served with status 404 when a file is missing
	// (lws's error_document_404), e.g. "/404.html".
	ErrorDocument404 string
	// RetryPolicy carries the validity ping and hang-up times for ws
	// connections (lws's retry_and_idle_policy). Nil means lws's default:
	// ping after 300 s idle, hang up after 310 s.
	RetryPolicy *RetryBackoff
	// Headers are added to every HTTP response of the vhost (lws's
	// headers pvo list).
	Headers map[string]string
	// TimeoutSecs bounds a stalled read of one ws message or HTTP header
	// (lws's timeout_secs); 0 means 20 s.
	TimeoutSecs int
	// Deflate offers permessage-deflate to ws clients: the mirror of
	// passing lws's extension table (info.extensions) with
	// permessage-deflate in it. lws offers no extension by default.
	Deflate bool
	// MaxMessageSize bounds one received ws message; a bigger one is
	// refused with close 1009. 0 means 16 MiB.
	MaxMessageSize int64
	// KeepaliveTimeout closes idle HTTP keep-alive connections (lws's
	// keepalive_timeout); 0 means 5 s.
	KeepaliveTimeout time.Duration
	// ListenAcceptRole and ListenAcceptProtocol are the role (by name;
	// empty: "raw-skt") and protocol (empty: the first) an accepted
	// socket is bound to under OptionAdoptApplyListenAcceptConfig (lws's
	// listen_accept_role, listen_accept_protocol).
	ListenAcceptRole     string
	ListenAcceptProtocol string
	// Finalize is called on the loop once the vhost is destroyed (lws's
	// finalize callback).
	Finalize func(*Vhost)
}

// Vhost is the mirror of struct lws_vhost.
type Vhost struct {
	ctx        *Context
	info       VhostInfo
	name       string
	port       int
	ln         *listener
	tlsCert    *tls.Certificate
	protoConns []*Conn // one vhost-level "wsi" per protocol, for lifecycle reasons
	vhd        []any   // per-vhost protocol data, parallel to info.Protocols
	mounts     []*mountState
	destroyed  bool
}

// CreateVhost creates a vhost, binds or joins its listener and delivers
// ReasonProtocolInit to each of its protocols: the mirror of
// lws_create_vhost. Call it before Run or on the loop.
func (c *Context) CreateVhost(info VhostInfo) (*Vhost, error) {
	if c.destroyed.Load() {
		return nil, ErrDestroyed
	}
	vh := &Vhost{ctx: c, info: info, name: info.Name, port: info.Port}
	if vh.name == "" {
		vh.name = "default"
	}
	if err := vh.loadTLS(); err != nil {
		return nil, fmt.Errorf("vhost %q: %w", vh.name, err)
	}
	for i := range info.Mounts {
		ms, err := newMountState(&info.Mounts[i], c.log)
		if err != nil {
			return nil, fmt.Errorf("vhost %q: %w", vh.name, err)
		}
		vh.mounts = append(vh.mounts, ms)
	}
	if info.Port != PortNoListen {
		if err := c.bind(vh); err != nil {
			return nil, fmt.Errorf("vhost %q: %w", vh.name, err)
		}
	}
	c.vhosts = append(c.vhosts, vh)
	vh.vhd = make([]any, len(info.Protocols))
	for _, p := range info.Protocols {
		vh.protoConns = append(vh.protoConns, &Conn{ctx: c, vh: vh, proto: p, role: roleVhost})
	}
	for _, pc := range vh.protoConns {
		if err := pc.call(ReasonProtocolInit, nil); err != nil {
			return nil, fmt.Errorf("vhost %q: protocol %q init: %w", vh.name, pc.proto.Name, err)
		}
	}
	c.log.Info("vhost created", "vhost", vh.name, "port", vh.port)
	return vh, nil
}

// Name returns the vhost name (lws_get_vhost_name).
func (v *Vhost) Name() string { return v.name }

// Port returns the port the vhost listens on, the one the OS chose when the
// info said 0 (lws_get_vhost_listen_port).
func (v *Vhost) Port() int { return v.port }

// Addr returns "host:port" for reaching the listener on loopback, for tests
// and clients.
func (v *Vhost) Addr() string {
	host := v.info.Interface
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(v.port))
}

// Context returns the vhost's context (lws_get_context).
func (v *Vhost) Context() *Context { return v.ctx }

// VhostByName finds a vhost (lws_get_vhost_by_name); nil if none.
func (c *Context) VhostByName(name string) *Vhost {
	for _, vh := range c.vhosts {
		if vh.name == name {
			return vh
		}
	}
	return nil
}

// Vhosts returns the context's vhosts in creation order.
func (c *Context) Vhosts() []*Vhost { return append([]*Vhost(nil), c.vhosts...) }

func (v *Vhost) protoIndex(p *Protocol) int {
	for i, q := range v.info.Protocols {
		if q == p {
			return i
		}
	}
	return -1
}

// ProtocolByName finds one of the vhost's protocols
// (lws_vhost_name_to_protocol); nil if none.
func (v *Vhost) ProtocolByName(name string) *Protocol {
	for _, p := range v.info.Protocols {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// ProtocolData returns the per-vhost data (vhd) of p on this vhost:
// lws_protocol_vh_priv_get.
func (v *Vhost) ProtocolData(p *Protocol) any {
	if i := v.protoIndex(p); i >= 0 {
		return v.vhd[i]
	}
	return nil
}

// SetProtocolData stores the vhd of p on this vhost; call it from
// ReasonProtocolInit. It replaces lws_protocol_vh_priv_zalloc: Go allocates,
// the core only keeps the value.
func (v *Vhost) SetProtocolData(p *Protocol, d any) {
	if i := v.protoIndex(p); i >= 0 {
		v.vhd[i] = d
	}
}

// Options returns the per-vhost options for the named protocol
// (lws_pvo_search over the vhost's pvo); nil if none.
func (v *Vhost) Options(protocol string) map[string]string {
	return v.info.PVO[protocol]
}

// CallbackOnWritableAllProtocol asks for a writeable callback on every
// connection of p on this vhost: lws_callback_on_writable_all_protocol_vhost.
func (v *Vhost) CallbackOnWritableAllProtocol(p *Protocol) {
	for _, conn := range v.ctx.conns.list {
		if conn.vh == v && conn.proto == p {
			conn.CallbackOnWritable()
		}
	}
}

// CallbackOnWritableAllProtocol asks for a writeable callback on every
// connection of p on every vhost: lws_callback_on_writable_all_protocol.
func (c *Context) CallbackOnWritableAllProtocol(p *Protocol) {
	for _, conn := range c.conns.list {
		if conn.proto == p {
			conn.CallbackOnWritable()
		}
	}
}

// Destroy closes the vhost's connections, delivers ReasonProtocolDestroy,
// releases its listener when no other vhost uses it and calls Finalize:
// lws_vhost_destroy. Call it on the loop.
func (v *Vhost) Destroy() {
	if v.destroyed {
		return
	}
	for _, conn := range v.ctx.conns.snapshot() {
		if conn.vh == v {
			conn.closeNow(closeReasonVhostDestroy)
		}
	}
	if v.ln != nil {
		v.ln.remove(v)
	}
	v.destroyProtocols()
	for i, vh := range v.ctx.vhosts {
		if vh == v {
			v.ctx.vhosts = slices.Delete(v.ctx.vhosts, i, i+1) // clears the freed slot: the backing array keeps no reference
			break
		}
	}
}

func (v *Vhost) destroyProtocols() {
	if v.destroyed {
		return
	}
	v.destroyed = true
	for _, pc := range v.protoConns {
		_ = pc.call(ReasonProtocolDestroy, nil)
	}
	for _, m := range v.mounts {
		m.close()
	}
	if v.info.Finalize != nil {
		v.info.Finalize(v)
	}
}

// wsProtocol picks the protocol for a ws upgrade offering the given
// subprotocols: the first offered name the vhost has; when the client offers
// none, the first protocol not named "http" (the ws default).
func (v *Vhost) wsProtocol(offered []string) (*Protocol, string) {
	if len(offered) == 0 {
		for _, p := range v.info.Protocols {
			if p.Name != "http" {
				return p, ""
			}
		}
		return nil, ""
	}
	for _, name := range offered {
		for _, p := range v.info.Protocols {
			if p.Name == name && name != "http" {
				// The table's string, not the header's: gorilla keeps
				// it for the connection's life, and the header's would
				// keep its request's memory with it.
				return p, p.Name
			}
		}
	}
	return nil, ""
}

func (v *Vhost) timeout() time.Duration {
	if v.info.TimeoutSecs > 0 {
		return time.Duration(v.info.TimeoutSecs) * time.Second
	}
	return 20 * time.Second
}
