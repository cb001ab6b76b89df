package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// The test binary doubles as the processes that run inside the network
// namespaces: the DHCP client (this program) and a fake DHCP server.
func TestMain(m *testing.M) {
	if args := os.Getenv("LWSGO_DHCPC_ARGS"); args != "" {
		err := run(context.Background(), switches.MustParse(append([]string{"api-test-dhcpc"}, strings.Fields(args)...)), os.Stderr)
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	if mode := os.Getenv("LWSGO_FAKE_DHCP"); mode != "" {
		fakeServer(mode == "malformed")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// netnsPair makes two network namespaces joined by a veth pair: the
// server's end veth0 (10.231.0.1/24) and the client's end veth1 (up, no
// address). It skips where namespaces cannot be made, except under
// CI=true, where that is a failure.
func netnsPair(t *testing.T) (srv, cli string) {
	t.Helper()
	need := func(why string) {
		if lwstest.InCI() {
			t.Fatalf("the DHCP test needs %s", why)
		}
		t.Skipf("skipped: the DHCP test needs %s", why)
	}
	if os.Geteuid() != 0 {
		need("root, to make network namespaces")
	}
	for _, tool := range []string{"ip", "dnsmasq"} {
		if _, err := exec.LookPath(tool); err != nil {
			need(tool + " (Debian's iproute2 and dnsmasq)")
		}
	}
	srv = fmt.Sprintf("lwsgo-dhcps-%d", os.Getpid())
	cli = fmt.Sprintf("lwsgo-dhcpc-%d", os.Getpid())
	ip := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := ip("netns", "add", srv); err != nil {
		need("ip netns (" + err.Error() + ")")
	}
	t.Cleanup(func() { _ = ip("netns", "del", srv) })
	if err := ip("netns", "add", cli); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ip("netns", "del", cli) })
	for _, args := range [][]string{
		{"-n", srv, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"},
		{"-n", srv, "link", "set", "veth1", "netns", cli},
		{"-n", srv, "addr", "add", "10.231.0.1/24", "dev", "veth0"},
		{"-n", srv, "link", "set", "veth0", "up"},
		{"-n", srv, "route", "add", "default", "dev", "veth0"},
		{"-n", cli, "link", "set", "veth1", "up"},
	} {
		if err := ip(args...); err != nil {
			t.Fatal(err)
		}
	}
	return srv, cli
}

// inNetns starts the test binary in a namespace with env set.
func inNetns(ns string, env ...string) *exec.Cmd {
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// runClient runs this program in the client's namespace on veth1.
func runClient(t *testing.T, cli string, timeout int) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := inNetns(cli, fmt.Sprintf("LWSGO_DHCPC_ARGS=-i veth1 --timeout %d", timeout))
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Against dnsmasq the client gets a lease, applies it, and reports it.
func TestLeaseFromDnsmasq(t *testing.T) {
	srv, cli := netnsPair(t)
	dir := t.TempDir()
	dm := exec.Command("ip", "netns", "exec", srv, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
		"--interface=veth0", "--bind-interfaces", "--except-interface=lo", "--port=0",
		"--dhcp-range=10.231.0.50,10.231.0.60,255.255.255.0,1h",
		"--dhcp-option=option:router,10.231.0.1", "--dhcp-option=option:dns-server,10.231.0.2",
		"--dhcp-option=option:ntp-server,10.231.0.3",
		"--dhcp-leasefile="+dir+"/leases", "--pid-file=")
	var dmLog bytes.Buffer
	dm.Stdout, dm.Stderr = &dmLog, &dmLog
	if err := dm.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dm.Process.Signal(syscall.SIGTERM); _ = dm.Wait() }()

	log, err := runClient(t, cli, 20)
	if err != nil || !strings.Contains(log, "Completed: ALL PASS: 1 / 1") {
		t.Fatalf("%v\n%s\ndnsmasq:\n%s", err, log, dmLog.String())
	}
	for _, want := range []string{"LWSDH_SA46_IP: 10.231.0.", "LWSDH_SA46_IPV4_ROUTER: 10.231.0.1", "LWSDH_SA46_DNS_SRV_1: 10.231.0.2",
		"LWSDH_SA46_NTP_SERVER: 10.231.0.3", "LWSDH_SA46_DHCP_SERVER: 10.231.0.1"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	// the lease is on the interface, with the default route
	addr, _ := exec.Command("ip", "-n", cli, "-4", "addr", "show", "veth1").CombinedOutput()
	route, _ := exec.Command("ip", "-n", cli, "route").CombinedOutput()
	if !strings.Contains(string(addr), "inet 10.231.0.") || !strings.Contains(string(route), "default via 10.231.0.1 dev veth1") {
		t.Fatalf("not applied:\n%s%s", addr, route)
	}
}

// Offers and ACKs whose options are malformed (a 3-byte netmask, an
// option running past the end of the packet) give no lease: the client
// says why, applies nothing, and the run fails as lws's does. The same
// fake server with well-formed options gives a lease, so it is the
// malformation that is refused.
func TestMalformedOffer(t *testing.T) {
	srv, cli := netnsPair(t)
	fakeLog, stop := startFake(t, srv, "malformed")
	defer stop()
	log, err := runClient(t, cli, 4)
	if err == nil || !strings.Contains(log, "Completed: PASS: 0 / 1, FAIL: 1") || !strings.Contains(log, "no lease: the ACK has no address or netmask") {
		t.Fatalf("malformed options did not fail the request: %v\n%s\nfake server:\n%s", err, log, fakeLog.String())
	}
	if !strings.Contains(fakeLog.String(), "OFFER sent") {
		t.Fatalf("the fake server never offered:\n%s", fakeLog.String())
	}
	addr, _ := exec.Command("ip", "-n", cli, "-4", "addr", "show", "veth1").CombinedOutput()
	if strings.Contains(string(addr), "inet ") {
		t.Fatalf("an address was applied:\n%s", addr)
	}
}

func TestFakeServerWellFormed(t *testing.T) {
	srv, cli := netnsPair(t)
	fakeLog, stop := startFake(t, srv, "good")
	defer stop()
	log, err := runClient(t, cli, 10)
	if err != nil || !strings.Contains(log, "LWSDH_SA46_IP: 10.231.0.77/24") {
		t.Fatalf("%v\n%s\nfake server:\n%s", err, log, fakeLog.String())
	}
}

func startFake(t *testing.T, srv, mode string) (*bytes.Buffer, func()) {
	t.Helper()
	fake := inNetns(srv, "LWSGO_FAKE_DHCP="+mode)
	var fakeLog bytes.Buffer
	fake.Stdout, fake.Stderr = &fakeLog, &fakeLog
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let it bind
	return &fakeLog, func() { _ = fake.Process.Signal(syscall.SIGTERM); _ = fake.Wait() }
}

// fakeServer answers every DISCOVER with an OFFER (malformed: its last
// option runs past the end of the packet) and every REQUEST with an ACK,
// broadcast to the client's port.
func fakeServer(malformed bool) {
	pc, err := net.ListenPacket("udp4", ":67")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	defer pc.Close()
	sc, _ := pc.(*net.UDPConn).SyscallConn()
	_ = sc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1) })
	var offers atomic.Int32
	buf := make([]byte, 1500)
	for {
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		req, err := dhcpv4.FromBytes(buf[:n])
		if err != nil {
			continue
		}
		reply := dhcpv4.MessageTypeOffer
		switch req.MessageType() {
		case dhcpv4.MessageTypeDiscover:
		case dhcpv4.MessageTypeRequest:
			fmt.Println("request seen")
			reply = dhcpv4.MessageTypeAck
		default:
			continue
		}
		mods := []dhcpv4.Modifier{
			dhcpv4.WithMessageType(reply),
			dhcpv4.WithYourIP(net.IPv4(10, 231, 0, 77)),
			dhcpv4.WithServerIP(net.IPv4(10, 231, 0, 1)),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(10, 231, 0, 1))),
		}
		if !malformed {
			mods = append(mods, dhcpv4.WithNetmask(net.CIDRMask(24, 32)))
		}
		offer, err := dhcpv4.NewReplyFromRequest(req, mods...)
		if err != nil {
			fmt.Println("offer:", err)
			continue
		}
		b := offer.ToBytes()
		if malformed {
			// a netmask of 3 bytes, then an option claiming 200 bytes
			// the packet lacks, in place of END
			b = append(b[:len(b)-1], 1, 3, 255, 255, 0, 43, 200, 1, 2, 3)
		}
		if _, err := pc.WriteTo(b, &net.UDPAddr{IP: net.IPv4bcast, Port: 68}); err != nil {
			fmt.Println("send:", err)
			continue
		}
		fmt.Println(reply, "sent", offers.Add(1))
	}
}
