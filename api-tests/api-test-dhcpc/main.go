// Command api-test-dhcpc is lws's api-test-dhcpc in Go: it asks for a
// DHCPv4 lease on the interface -i names, applies it (address, netmask,
// default route), and prints what the server gave, as lws's lws_dhcpc_cb
// does. It needs the privileges to open a raw socket and configure the
// interface (root, or CAP_NET_RAW and CAP_NET_ADMIN). It prints
// "Completed: ALL PASS: 1 / 1" and exits 0 with a lease, or
// "Completed: PASS: 0 / 1, FAIL: 1" and exits 1.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are lws's -i, and a bound on the wait (lws waits for ever).
var switches = cmdline.Switches{
	{Name: "-i", Kind: cmdline.String, Arg: "netif", Help: "network interface to configure by DHCP, eg, eth0 or wlo1"},
	{Name: "--timeout", Kind: cmdline.Int, Arg: "secs", Default: "20", Help: "give up after this many seconds"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFail = errors.New("api-test-dhcpc: FAIL")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: DHCP Client")
	nif := o.String("-i")
	if nif == "" {
		logs.Errf(log, "use -i <network-interface> to select if")
		return o.Errorf("-i <netif> is needed")
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	ok := 0
	logs.Userf(log, "requesting DHCP for %s", nif)
	dhcpcRequest(c, nif, time.Duration(o.Int("--timeout"))*time.Second, func(l *lease, err error) {
		defer cancel()
		if err == nil {
			err = apply(l)
		}
		if err != nil {
			logs.Errf(log, "%v", err)
			return
		}
		logs.Noticef(log, "DHCP configured %s", nif)
		logs.Userf(log, "lws_dhcpc_cb: dhcp set OK")
		dns := make([]string, 4)
		for i := range dns {
			if i < len(l.dns) {
				dns[i] = l.dns[i].String()
			}
		}
		for _, f := range [][2]string{
			{"LWSDH_SA46_IP", l.addr.String()}, {"LWSDH_SA46_DNS_SRV_1", dns[0]}, {"LWSDH_SA46_DNS_SRV_2", dns[1]},
			{"LWSDH_SA46_DNS_SRV_3", dns[2]}, {"LWSDH_SA46_DNS_SRV_4", dns[3]}, {"LWSDH_SA46_IPV4_ROUTER", addrOrEmpty(l.router)},
			{"LWSDH_SA46_NTP_SERVER", addrOrEmpty(l.ntp)}, {"LWSDH_SA46_DHCP_SERVER", addrOrEmpty(l.dhcpServer)},
		} {
			logs.Noticef(log, "lws_dhcpc_cb: %s: %s", f[0], f[1])
		}
		ok = 1
	})
	if err := c.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if ok != 1 {
		logs.Userf(log, "Completed: PASS: %d / 1, FAIL: 1", ok)
		return errFail
	}
	logs.Userf(log, "Completed: ALL PASS: 1 / 1")
	return nil
}

func addrOrEmpty[T interface {
	IsValid() bool
	String() string
}](a T) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}
