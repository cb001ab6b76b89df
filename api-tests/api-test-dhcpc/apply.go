package main

import (
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/vishvananda/netlink"
)

// apply puts the lease on the interface, as lws does once it has one
// (lws_plat_ifconfig): the address with its netmask, the interface up,
// and the router as the default route.
func apply(l *lease) error {
	link, err := netlink.LinkByName(l.iface)
	if err != nil {
		return fmt.Errorf("apply: %s: %w", l.iface, err)
	}
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: l.addr.Addr().AsSlice(), Mask: net.CIDRMask(l.addr.Bits(), 32)}}
	if err := netlink.AddrReplace(link, addr); err != nil {
		return fmt.Errorf("apply: address %s: %w", l.addr, err)
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return fmt.Errorf("apply: up: %w", err)
	}
	if l.router.IsValid() {
		r := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: l.router.AsSlice()}
		if err := netlink.RouteReplace(r); err != nil && !errors.Is(err, syscall.EEXIST) {
			return fmt.Errorf("apply: default route via %s: %w", l.router, err)
		}
	}
	return nil
}
