//go:build !unix

package lws

import (
	"errors"
	"fmt"
	"net/netip"
)

// Without unix descriptors nothing can be adopted; the role table still
// exists so protocol code builds everywhere.
type descConn struct {
	ops *RoleOps
	out []byte
}

// AdoptDescriptor is lws_adopt_descriptor_vhost; see desc_unix.go.
func (v *Vhost) AdoptDescriptor(typ AdoptType, fd int, protocol string, parent *Conn) (*Conn, error) {
	return nil, fmt.Errorf("lws: adopt descriptor: %w", errors.ErrUnsupported)
}

func (d *descConn) write([]byte) (int, error) { return 0, errors.ErrUnsupported }
func (d *descConn) setPaused(bool)            {}
func (d *descConn) shutdown(*Conn)            {}

// Descriptor is lws_get_socket_fd; see desc_unix.go.
func (c *Conn) Descriptor() int { return -1 }

// UDPSource is lws_get_udp(wsi)->sa46; see desc_unix.go.
func (c *Conn) UDPSource() netip.AddrPort { return netip.AddrPort{} }

// DeliverRx hands what a role read to the protocol; see desc_unix.go.
func (c *Conn) DeliverRx([]byte) {}

func rawSktPollIn(*Conn, bool) error  { return errors.ErrUnsupported }
func rawFilePollIn(*Conn, bool) error { return errors.ErrUnsupported }
