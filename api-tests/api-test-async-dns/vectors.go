package main

import (
	"net/netip"

	"github.com/lws-go/lws-go/lws/asyncdns"
)

// ipt are lws's address literal tests: the text, the bytes it parses to
// (rlen < 0: it must not parse), and how those bytes print back.
var ipt = []struct {
	test     string
	rlen     int
	emitTest string
	b        []byte
}{
	{"2001:db8:85a3:0:0:8a2e:370:7334", 16, "2001:db8:85a3::8a2e:370:7334",
		[]byte{0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0x00, 0x00, 0x00, 0x00, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34}},
	{"2001:db8:85a3::8a2e:370:7334", 16, "2001:db8:85a3::8a2e:370:7334",
		[]byte{0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0x00, 0x00, 0x00, 0x00, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34}},
	{"::1", 16, "::1", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
	{"::", 16, "::", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	{"::ffff:192.0.2.128", 16, "::ffff:192.0.2.128",
		[]byte{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xc0, 0x00, 0x02, 0x80}},
	{"cats", -1, "", nil},
	{"onevalid.bogus.warmcat.com", -1, "", nil},
	{"1.cat.dog.com", -1, "", nil},
	{":::1", -8, "", nil},
	{"0:0::0:1", 16, "::1", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
	{"1.2.3.4", 4, "1.2.3.4", []byte{1, 2, 3, 4}},
}

// macs are lws's lws_parse_mac tests: only the first is a MAC address.
var macs = []struct {
	in string
	ok bool
	b  []byte
}{
	{"11:ff:ce:CE:22:33", true, []byte{0x11, 0xff, 0xce, 0xce, 0x22, 0x33}},
	{"11:ff:ce:CE:22:3", false, nil},
	{"11:ff:ce:CE:22", false, nil},
	{"11:ff:ce:CE:22:", false, nil},
	{"11:ff:ce:CE22", false, nil},
}

// adt are lws's async DNS tests: the name, the record type, and the
// address that must be among the results (none: the lookup must find
// nothing). noCheck accepts any address (lws's
// TEST_FLAG_NOCHECK_RESULT_IP).
var adt = []struct {
	name    string
	qt      asyncdns.QType
	noCheck bool
	want    netip.Addr
}{
	{"ml.warmcat.com", asyncdns.A, true, netip.MustParseAddr("46.105.127.147")},
	{"ml.warmcat.com", asyncdns.A, true, netip.MustParseAddr("46.105.127.147")}, // from the cache
	{"libwebsockets.org", asyncdns.A, true, netip.MustParseAddr("46.105.127.147")},
	{"doesntexist", asyncdns.A, false, netip.Addr{}},
	{"localhost", asyncdns.A, false, netip.MustParseAddr("127.0.0.1")},
	{"ipv4only.warmcat.com", asyncdns.A, false, netip.MustParseAddr("212.83.179.61")},
	{"onevalid.bogus.warmcat.com", asyncdns.A, false, netip.MustParseAddr("212.83.179.61")},
	{"mail.warmcat.com", asyncdns.AAAA, false, netip.MustParseAddr("2001:bc8:6010:213:208:a2ff:fe0c:72ce")},
	{"ipv6only.warmcat.com", asyncdns.AAAA, false, netip.MustParseAddr("2001:bc8:6010:213:208:a2ff:fe0c:72ce")},
	{"c.msn.com", asyncdns.A, true, netip.Addr{}},
	{"assets.msn.com", asyncdns.A, true, netip.MustParseAddr("0.0.0.0")},
	{"mudpuddle.shwaine.com", asyncdns.A, false, netip.MustParseAddr("174.134.58.54")},
	{"awsrealm.majicrealm.com", asyncdns.A, false, netip.MustParseAddr("35.88.197.177")},
	{"lwsbiglongtesthostname.lociterm.com", asyncdns.A, false, netip.MustParseAddr("127.0.0.1")},
	{"game.addictmud.org", asyncdns.A, false, netip.MustParseAddr("167.172.227.42")},
	{"grow.lociterm.com", asyncdns.A, false, netip.MustParseAddr("127.0.0.1")},
	{"letsgobigorgohome.lociterm.com", asyncdns.A, false, netip.MustParseAddr("127.0.0.1")},
	{"terrafirma.terra.mud.org", asyncdns.A, false, netip.MustParseAddr("92.205.179.40")},
}
