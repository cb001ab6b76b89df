package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"

	"github.com/lws-go/lws-go/lws"
)

// lease is lws's lws_dhcpc_ifstate_t: the interface and the addresses
// the server gave it (lws's sa46[] slots).
type lease struct {
	iface      string
	addr       netip.Prefix // LWSDH_SA46_IP with its netmask
	router     netip.Addr   // LWSDH_SA46_IPV4_ROUTER
	dns        []netip.Addr // LWSDH_SA46_DNS_SRV_1..4
	ntp        netip.Addr   // LWSDH_SA46_NTP_SERVER
	dhcpServer netip.Addr   // LWSDH_SA46_DHCP_SERVER
	leaseTime  time.Duration
}

// errNoLease is the request's failure: no usable answer in time (a
// malformed offer is dropped, as lws drops it, and the wait goes on).
var errNoLease = errors.New("dhcpc: no lease")

// dhcpcRequest is lws_dhcpc_request: DISCOVER, OFFER, REQUEST, ACK on
// iface, off the loop (github.com/insomniacslk/dhcp's nclient4, on a raw
// socket, so it works before the interface has an address); cb gets the
// lease or the error on the loop.
func dhcpcRequest(c *lws.Context, iface string, timeout time.Duration, cb func(*lease, error)) {
	go func() {
		l, err := request(iface, timeout)
		c.Do(func() { cb(l, err) })
	}()
}

func request(iface string, timeout time.Duration) (*lease, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cl, err := nclient4.New(iface, nclient4.WithTimeout(timeout/4), nclient4.WithRetry(4))
	if err != nil {
		return nil, fmt.Errorf("dhcpc: %s: %w", iface, err)
	}
	defer cl.Close()
	// ask for what lws's ifstate holds (servers send only what is asked)
	lz, err := cl.Request(ctx, dhcpv4.WithRequestedOptions(dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter,
		dhcpv4.OptionDomainNameServer, dhcpv4.OptionNTPServers))
	if err != nil {
		return nil, fmt.Errorf("%w on %s: %v", errNoLease, iface, err)
	}
	return leaseFrom(iface, lz.ACK)
}

// leaseFrom reads the ACK, refusing one that lacks what a lease needs.
func leaseFrom(iface string, ack *dhcpv4.DHCPv4) (*lease, error) {
	ip, ok := netip.AddrFromSlice(ack.YourIPAddr.To4())
	mask := ack.SubnetMask()
	if !ok || !ip.IsValid() || ip.IsUnspecified() || mask == nil {
		return nil, fmt.Errorf("%w: the ACK has no address or netmask", errNoLease)
	}
	bits, _ := mask.Size()
	l := &lease{iface: iface, addr: netip.PrefixFrom(ip, bits), leaseTime: ack.IPAddressLeaseTime(time.Hour)}
	first := func(ips []net.IP) netip.Addr {
		for _, x := range ips {
			if a, ok := netip.AddrFromSlice(x.To4()); ok {
				return a
			}
		}
		return netip.Addr{}
	}
	l.router = first(ack.Router())
	l.ntp = first(ack.NTPServers())
	l.dhcpServer = first([]net.IP{ack.ServerIdentifier()})
	for _, x := range ack.DNS() {
		if a, ok := netip.AddrFromSlice(x.To4()); ok && len(l.dns) < 4 {
			l.dns = append(l.dns, a)
		}
	}
	return l, nil
}
