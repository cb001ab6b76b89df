package main

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The cases: Autobahn testsuite's case ids, descriptions and
// expectations, sections 1-7, 9, 10, 12 and 13, in Go. Each open function
// is what the Autobahn case does in onOpen; what Autobahn decides later
// (onMessage, onConnectionLost) is set on the connection there.

type caseSpec struct {
	id     string
	desc   string
	expect string
	// slow cases run only with -slow (CI=true): the large messages of
	// section 9. heavy cases run only with -heavy: the compression cases
	// with messages of 8 KB and more (131 MB each way for the largest,
	// some seconds of CPU per case and implementation).
	slow   bool
	heavy  bool
	wait   time.Duration // the case's watchdog
	offers []pmdOffer    // permessage-deflate offers the harness makes as client
	accept pmdAccept     // how the harness as server answers offers
	open   func(p *fuzzConn)
}

// caseKey orders case ids numerically ("6.10.1" after "6.9.1").
func caseKey(id string) []int {
	var k []int
	for _, f := range strings.Split(id, ".") {
		n, _ := strconv.Atoi(f)
		k = append(k, n)
	}
	return k
}

func caseLess(a, b string) bool {
	ka, kb := caseKey(a), caseKey(b)
	for i := 0; i < len(ka) && i < len(kb); i++ {
		if ka[i] != kb[i] {
			return ka[i] < kb[i]
		}
	}
	return len(ka) < len(kb)
}

// sectionNames and subsectionNames are Autobahn's CaseCategories and
// CaseSubCategories (6.x, 12.x and 13.x subsections are added as the
// cases are generated).
var sectionNames = map[string]string{
	"1": "Framing", "2": "Pings/Pongs", "3": "Reserved Bits", "4": "Opcodes",
	"5": "Fragmentation", "6": "UTF-8 Handling", "7": "Close Handling",
	"9": "Limits/Performance", "10": "Misc",
	"12": "WebSocket Compression (different payloads)",
	"13": "WebSocket Compression (different parameters)",
}

var subsectionNames = map[string]string{
	"1.1": "Text Messages", "1.2": "Binary Messages",
	"4.1": "Non-control Opcodes", "4.2": "Control Opcodes",
	"6.1":  "Valid UTF-8 with zero payload fragments",
	"6.2":  "Valid UTF-8 unfragmented, fragmented on code-points and within code-points",
	"6.3":  "Invalid UTF-8 differently fragmented",
	"6.4":  "Fail-fast on invalid UTF-8",
	"7.1":  "Basic close behavior (fuzzer initiated)",
	"7.3":  "Close frame structure: payload length (fuzzer initiated)",
	"7.5":  "Close frame structure: payload value (fuzzer initiated)",
	"7.7":  "Close frame structure: valid close codes (fuzzer initiated)",
	"7.9":  "Close frame structure: invalid close codes (fuzzer initiated)",
	"7.13": "Informational close information (fuzzer initiated)",
	"9.1":  "Text Message (increasing size)",
	"9.2":  "Binary Message (increasing size)",
	"9.3":  "Fragmented Text Message (fixed size, increasing fragment size)",
	"9.4":  "Fragmented Binary Message (fixed size, increasing fragment size)",
	"9.5":  "Text Message (fixed size, increasing chop size)",
	"9.6":  "Binary Text Message (fixed size, increasing chop size)",
	"9.7":  "Text Message Roundtrip Time (fixed number, increasing size)",
	"9.8":  "Binary Message Roundtrip Time (fixed number, increasing size)",
	"10.1": "Auto-Fragmentation",
}

func section(id string) string { s, _, _ := strings.Cut(id, "."); return s }

func subsection(id string) string {
	f := strings.Split(id, ".")
	if len(f) < 3 {
		return f[0]
	}
	return f[0] + "." + f[1]
}

// allCases is the whole suite, in case id order.
var allCases = buildCases()

func buildCases() []*caseSpec {
	var cs []*caseSpec
	cs = append(cs, framingCases()...)
	cs = append(cs, pingCases()...)
	cs = append(cs, reservedCases()...)
	cs = append(cs, opcodeCases()...)
	cs = append(cs, fragmentationCases()...)
	cs = append(cs, utf8Cases()...)
	cs = append(cs, closeCases()...)
	cs = append(cs, limitCases()...)
	cs = append(cs, miscCases()...)
	cs = append(cs, compressionCases()...)
	for _, c := range cs {
		if c.wait == 0 {
			c.wait = 15 * time.Second
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return caseLess(cs[i].id, cs[j].id) })
	return cs
}

// Common expectations.
var (
	// The harness closes once the case's events arrived; the peer answers
	// with a normal close and the handshake completes.
	cleanNormal = closeExpect{closedByMe: true, codes: []int{closeNormal}, requireClean: true}
	// The peer fails the connection (close 1002) or just drops it.
	peerFails1002 = closeExpect{codes: []int{closeProtocolError}}
	// The peer fails the connection for invalid UTF-8 (close 1007); the
	// harness having to close instead means the peer did not notice.
	peerFails1007 = closeExpect{codes: []int{closeInvalidPayload}, wrongEndpointFatal: true}
)

func (p *fuzzConn) expect(verdict string, evs ...event) {
	p.expected = append(p.expected, expectation{verdict: verdict, events: evs})
}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

// --- 1 Framing ---

func framingCases() []*caseSpec {
	var cs []*caseSpec
	sizes := []int{0, 125, 126, 127, 128, 65535, 65536, 65536}
	for i, n := range sizes {
		for _, bin := range []bool{false, true} {
			kind, op, fill, sub := "text", byte(opText), byte('*'), 1
			if bin {
				kind, op, fill, sub = "binary", opBinary, 0xfe, 2
			}
			desc := fmt.Sprintf("Send %s message with payload of length %d.", kind, n)
			want := fmt.Sprintf("Receive echo'ed %s message (with payload as sent). Clean close with normal code.", kind)
			if n == 0 {
				desc = fmt.Sprintf("Send %s message with payload 0.", kind)
				want = fmt.Sprintf("Receive echo'ed %s message (with empty payload). Clean close with normal code.", kind)
			}
			chop, kill := 0, 1
			if i >= 5 {
				kill = 10
			}
			if i == 7 {
				chop = 997
				desc += " Sent out data in chops of 997 octets."
			}
			payload := bytes.Repeat([]byte{fill}, n)
			cs = append(cs, &caseSpec{
				id: fmt.Sprintf("1.%d.%d", sub, i+1), desc: desc, expect: want,
				open: func(p *fuzzConn) {
					p.expect(vOK, msgEvent(payload, bin))
					p.expectClose = cleanNormal
					p.sendFrame(frameOpt{op: op, payload: payload, chop: chop})
					p.killAfter(sec(kill))
				},
			})
		}
	}
	return cs
}

// --- 2 Pings/Pongs ---

func pingCases() []*caseSpec {
	pongOf := func(id, desc, want string, payload []byte, chop int, wait int) *caseSpec {
		return &caseSpec{id: id, desc: desc, expect: want, open: func(p *fuzzConn) {
			p.expect(vOK, pongEvent(payload))
			p.expectClose = cleanNormal
			p.sendFrame(frameOpt{op: opPing, payload: payload, chop: chop})
			p.closeAfter(sec(wait))
		}}
	}
	tenPings := func(id, desc string, chop int) *caseSpec {
		return &caseSpec{id: id, desc: desc,
			expect: "Pongs for our Pings with all the payloads. Note: This is not required by the Spec .. but we check for this behaviour anyway. Clean close with normal code.",
			open: func(p *fuzzConn) {
				var evs []event
				for i := 0; i < 10; i++ {
					payload := []byte(fmt.Sprintf("payload-%d", i))
					evs = append(evs, pongEvent(payload))
					p.sendFrame(frameOpt{op: opPing, payload: payload, chop: chop})
				}
				p.expect(vOK, evs...)
				p.expectClose = cleanNormal
				p.closeAfter(sec(3))
			}}
	}
	return []*caseSpec{
		pongOf("2.1", "Send ping without payload.", "Pong (with empty payload) is sent in reply to Ping. Clean close with normal code.", nil, 0, 1),
		pongOf("2.2", "Send ping with small text payload.", "Pong with payload echo'ed is sent in reply to Ping. Clean close with normal code.", []byte("Hello, world!"), 0, 1),
		pongOf("2.3", "Send ping with small binary (non UTF-8) payload.", "Pong with payload echo'ed is sent in reply to Ping. Clean close with normal code.", []byte("\x00\xff\xfe\xfd\xfc\xfb\x00\xff"), 0, 1),
		pongOf("2.4", "Send ping with binary payload of 125 octets.", "Pong with payload echo'ed is sent in reply to Ping. Clean close with normal code.", bytes.Repeat([]byte{0xfe}, 125), 0, 1),
		{id: "2.5", desc: "Send ping with binary payload of 126 octets.",
			expect: "Connection is failed immediately (1002/Protocol Error), since control frames are only allowed to have payload up to and including 125 octets..",
			open: func(p *fuzzConn) {
				p.expect(vOK)
				p.expectClose = peerFails1002
				p.sendFrame(frameOpt{op: opPing, payload: bytes.Repeat([]byte{0xfe}, 126)})
				p.killAfter(sec(1))
			}},
		pongOf("2.6", "Send ping with binary payload of 125 octets, send in octet-wise chops.", "Pong with payload echo'ed is sent in reply to Ping. Implementations must be TCP clean. Clean close with normal code.", bytes.Repeat([]byte{0xfe}, 125), 1, 2),
		{id: "2.7", desc: "Send unsolicited pong without payload. Verify nothing is received. Clean close with normal code.", expect: "Nothing.",
			open: func(p *fuzzConn) {
				p.expect(vOK)
				p.expectClose = cleanNormal
				p.sendFrame(frameOpt{op: opPong})
				p.sendClose(closeNormal, "")
				p.closeAfter(sec(1))
			}},
		{id: "2.8", desc: "Send unsolicited pong with payload. Verify nothing is received. Clean close with normal code.", expect: "Nothing.",
			open: func(p *fuzzConn) {
				p.expect(vOK)
				p.expectClose = cleanNormal
				p.sendFrame(frameOpt{op: opPong, payload: []byte("unsolicited pong payload")})
				p.sendClose(closeNormal, "")
				p.closeAfter(sec(1))
			}},
		{id: "2.9", desc: "Send unsolicited pong with payload. Send ping with payload. Verify pong for ping is received.",
			expect: "Nothing in reply to own Pong, but Pong with payload echo'ed in reply to Ping. Clean close with normal code.",
			open: func(p *fuzzConn) {
				p.expect(vOK, pongEvent([]byte("ping payload")))
				p.expectClose = cleanNormal
				p.sendFrame(frameOpt{op: opPong, payload: []byte("unsolicited pong payload")})
				p.sendFrame(frameOpt{op: opPing, payload: []byte("ping payload")})
				p.closeAfter(sec(1))
			}},
		tenPings("2.10", "Send 10 Pings with payload.", 0),
		tenPings("2.11", "Send 10 Pings with payload. Send out octets in octet-wise chops.", 1),
	}
}

// --- 3 Reserved Bits ---

// echoThenFail sends a good text message, a bad frame and a ping: the
// echo comes back, then the peer fails the connection (close 1002) and no
// pong follows; failing before the echo is non-strict.
func echoThenFail(id, desc, want string, bad frameOpt, chop int, sync bool) *caseSpec {
	return &caseSpec{id: id, desc: desc, expect: want, open: func(p *fuzzConn) {
		payload := []byte("Hello, world!")
		p.expect(vOK, msgEvent(payload, false))
		p.expect(vNonStrict)
		p.expectClose = peerFails1002
		p.sendFrame(frameOpt{op: opText, payload: payload, chop: chop, sync: sync})
		bad.chop, bad.sync = chop, sync
		p.sendFrame(bad)
		p.sendFrame(frameOpt{op: opPing, chop: chop, sync: sync})
		p.killAfter(sec(1))
	}}
}

// failsAtOnce sends frames the peer must refuse at once (close 1002).
func failsAtOnce(id, desc, want string, frames ...frameOpt) *caseSpec {
	return &caseSpec{id: id, desc: desc, expect: want, open: func(p *fuzzConn) {
		p.expect(vOK)
		p.expectClose = peerFails1002
		for _, f := range frames {
			p.sendFrame(f)
		}
		p.killAfter(sec(1))
	}}
}

func reservedCases() []*caseSpec {
	rsvWant := "Echo for first message is received, but then connection is failed immediately, since RSV must be 0, when no extension defining RSV meaning has been negotiated. The Pong is not received."
	hello := []byte("Hello, world!")
	return []*caseSpec{
		failsAtOnce("3.1", "Send small text message with RSV = 1.",
			"The connection is failed immediately (1002/protocol error), since RSV must be 0, when no extension defining RSV meaning has been negotiated.",
			frameOpt{op: opText, payload: hello, rsv: 1}),
		echoThenFail("3.2", "Send small text message, then send again with RSV = 2, then send Ping.", rsvWant,
			frameOpt{op: opText, payload: hello, rsv: 2}, 0, false),
		echoThenFail("3.3", "Send small text message, then send again with RSV = 3, then send Ping. Octets are sent in frame-wise chops.", rsvWant,
			frameOpt{op: opText, payload: hello, rsv: 3}, 0, true),
		echoThenFail("3.4", "Send small text message, then send again with RSV = 4, then send Ping. Octets are sent in octet-wise chops.", rsvWant,
			frameOpt{op: opText, payload: hello, rsv: 4}, 1, false),
		failsAtOnce("3.5", "Send small binary message with RSV = 5.", "The connection is failed immediately, since RSV must be 0.",
			frameOpt{op: opBinary, payload: []byte("\x00\xff\xfe\xfd\xfc\xfb\x00\xff"), rsv: 5}),
		failsAtOnce("3.6", "Send Ping with RSV = 6.", "The connection is failed immediately, since RSV must be 0.",
			frameOpt{op: opBinary, payload: hello, rsv: 6}), // sic: Autobahn sends a binary frame here
		failsAtOnce("3.7", "Send Close with RSV = 7.", "The connection is failed immediately, since RSV must be 0.",
			frameOpt{op: opClose, rsv: 7}),
	}
}

// --- 4 Opcodes ---

func opcodeCases() []*caseSpec {
	hello := []byte("Hello, world!")
	opWant := "Echo for first message is received, but then connection is failed immediately, since reserved opcode frame is used. A Pong is not received."
	return []*caseSpec{
		failsAtOnce("4.1.1", "Send frame with reserved non-control Opcode = 3.", "The connection is failed immediately.", frameOpt{op: 3}),
		failsAtOnce("4.1.2", "Send frame with reserved non-control Opcode = 4 and non-empty payload.", "The connection is failed immediately.",
			frameOpt{op: 4, payload: []byte("reserved opcode payload")}),
		echoThenFail("4.1.3", "Send small text message, then send frame with reserved non-control Opcode = 5, then send Ping.", opWant, frameOpt{op: 5}, 0, false),
		echoThenFail("4.1.4", "Send small text message, then send frame with reserved non-control Opcode = 6 and non-empty payload, then send Ping.", opWant,
			frameOpt{op: 6, payload: hello}, 0, false),
		echoThenFail("4.1.5", "Send small text message, then send frame with reserved non-control Opcode = 7 and non-empty payload, then send Ping.", opWant,
			frameOpt{op: 7, payload: hello}, 1, false),
		failsAtOnce("4.2.1", "Send frame with reserved control Opcode = 11.", "The connection is failed immediately.", frameOpt{op: 11}),
		failsAtOnce("4.2.2", "Send frame with reserved control Opcode = 12 and non-empty payload.", "The connection is failed immediately.",
			frameOpt{op: 12, payload: []byte("reserved opcode payload")}),
		echoThenFail("4.2.3", "Send small text message, then send frame with reserved control Opcode = 13, then send Ping.", opWant, frameOpt{op: 13}, 0, false),
		echoThenFail("4.2.4", "Send small text message, then send frame with reserved control Opcode = 14 and non-empty payload, then send Ping.", opWant,
			frameOpt{op: 14, payload: hello}, 0, false),
		echoThenFail("4.2.5", "Send small text message, then send frame with reserved control Opcode = 15 and non-empty payload, then send Ping.", opWant,
			frameOpt{op: 15, payload: hello}, 1, false),
	}
}

// --- 5 Fragmentation ---

func txt(s string, fin bool) frameOpt { return frameOpt{op: opText, payload: []byte(s), noFin: !fin} }
func cont(s string, fin bool) frameOpt {
	return frameOpt{op: opCont, payload: []byte(s), noFin: !fin}
}
func ping(s string) frameOpt { return frameOpt{op: opPing, payload: []byte(s)} }

func withChop(chop int, sync bool, fs ...frameOpt) []frameOpt {
	for i := range fs {
		fs[i].chop, fs[i].sync = chop, sync
	}
	return fs
}

func fragmentationCases() []*caseSpec {
	noCont := "The connection is failed immediately, since there is no message to continue."
	echoed := func(id, desc, want string, evs []event, frames []frameOpt) *caseSpec {
		return &caseSpec{id: id, desc: desc, expect: want, open: func(p *fuzzConn) {
			p.expect(vOK, evs...)
			p.expectClose = cleanNormal
			for _, f := range frames {
				p.sendFrame(f)
			}
			p.closeAfter(sec(1))
		}}
	}
	frag12 := []event{msgEvent([]byte("fragment1fragment2"), false)}
	pingFrag := []event{pongEvent([]byte("ping payload")), msgEvent([]byte("fragment1fragment2"), false)}
	interleaved := func(id, desc string, sync bool) *caseSpec {
		return &caseSpec{id: id, desc: desc,
			expect: "The peer immediately answers the first Ping before it has received the last text message fragment. The peer pong's back the Ping's payload exactly, and echo's the payload of the fragmented message back to us.",
			open: func(p *fuzzConn) {
				p.expect(vOK, pongEvent([]byte("pongme 1!")), pongEvent([]byte("pongme 2!")),
					msgEvent([]byte("fragment1fragment2fragment3fragment4fragment5"), false))
				p.expectClose = cleanNormal
				for _, f := range withChop(0, sync, txt("fragment1", false), cont("fragment2", false), ping("pongme 1!")) {
					p.sendFrame(f)
				}
				p.continueLater(sec(1), func() {
					for _, f := range withChop(0, sync, cont("fragment3", false), cont("fragment4", false), ping("pongme 2!"), cont("fragment5", true)) {
						p.sendFrame(f)
					}
					p.closeAfter(sec(1))
				})
			}}
	}
	return []*caseSpec{
		failsAtOnce("5.1", "Send Ping fragmented into 2 fragments.", "Connection is failed immediately, since control message MUST NOT be fragmented.",
			frameOpt{op: opPing, payload: []byte("fragment1"), noFin: true}, cont("fragment2", true)),
		failsAtOnce("5.2", "Send Pong fragmented into 2 fragments.", "Connection is failed immediately, since control message MUST NOT be fragmented.",
			frameOpt{op: opPong, payload: []byte("fragment1"), noFin: true}, cont("fragment2", true)),
		echoed("5.3", "Send text Message fragmented into 2 fragments.", "Message is processed and echo'ed back to us.", frag12,
			[]frameOpt{txt("fragment1", false), cont("fragment2", true)}),
		echoed("5.4", "Send text Message fragmented into 2 fragments, octets are sent in frame-wise chops.", "Message is processed and echo'ed back to us.", frag12,
			withChop(0, true, txt("fragment1", false), cont("fragment2", true))),
		echoed("5.5", "Send text Message fragmented into 2 fragments, octets are sent in octet-wise chops.", "Message is processed and echo'ed back to us.", frag12,
			withChop(1, false, txt("fragment1", false), cont("fragment2", true))),
		echoed("5.6", "Send text Message fragmented into 2 fragments, one ping with payload in-between.", "A pong is received, then the message is echo'ed back to us.", pingFrag,
			[]frameOpt{txt("fragment1", false), ping("ping payload"), cont("fragment2", true)}),
		echoed("5.7", "Send text Message fragmented into 2 fragments, one ping with payload in-between. Octets are sent in frame-wise chops.", "A pong is received, then the message is echo'ed back to us.", pingFrag,
			withChop(0, true, txt("fragment1", false), ping("ping payload"), cont("fragment2", true))),
		echoed("5.8", "Send text Message fragmented into 2 fragments, one ping with payload in-between. Octets are sent in octet-wise chops.", "A pong is received, then the message is echo'ed back to us.", pingFrag,
			withChop(1, false, txt("fragment1", false), ping("ping payload"), cont("fragment2", true))),
		failsAtOnce("5.9", "Send unfragmented Text Message after Continuation Frame with FIN = true, where there is nothing to continue, sent in one chop.", noCont,
			cont("non-continuation payload", true), txt("Hello, world!", true)),
		failsAtOnce("5.10", "Send unfragmented Text Message after Continuation Frame with FIN = true, where there is nothing to continue, sent in per-frame chops.", noCont,
			withChop(0, true, cont("non-continuation payload", true), txt("Hello, world!", true))...),
		failsAtOnce("5.11", "Send unfragmented Text Message after Continuation Frame with FIN = true, where there is nothing to continue, sent in octet-wise chops.", noCont,
			withChop(1, false, cont("non-continuation payload", true), txt("Hello, world!", true))...),
		failsAtOnce("5.12", "Send unfragmented Text Message after Continuation Frame with FIN = false, where there is nothing to continue, sent in one chop.", noCont,
			cont("non-continuation payload", false), txt("Hello, world!", true)),
		failsAtOnce("5.13", "Send unfragmented Text Message after Continuation Frame with FIN = false, where there is nothing to continue, sent in per-frame chops.", noCont,
			withChop(0, true, cont("non-continuation payload", false), txt("Hello, world!", true))...),
		failsAtOnce("5.14", "Send unfragmented Text Message after Continuation Frame with FIN = false, where there is nothing to continue, sent in octet-wise chops.", noCont,
			withChop(1, false, cont("non-continuation payload", false), txt("Hello, world!", true))...),
		{id: "5.15", desc: "Send text Message fragmented into 2 fragments, then Continuation Frame with FIN = false where there is nothing to continue, then unfragmented Text Message, all sent in one chop.",
			expect: noCont, open: func(p *fuzzConn) {
				p.expect(vOK, msgEvent([]byte("fragment1fragment2"), false))
				p.expect(vNonStrict)
				p.expectClose = peerFails1002
				for _, f := range []frameOpt{txt("fragment1", false), cont("fragment2", true), cont("fragment3", false), txt("fragment4", true)} {
					p.sendFrame(f)
				}
				p.killAfter(sec(1))
			}},
		failsAtOnce("5.16", "Repeated 2x: Continuation Frame with FIN = false (where there is nothing to continue), then text Message fragmented into 2 fragments.", noCont,
			cont("fragment1", false), txt("fragment2", false), cont("fragment3", true),
			cont("fragment1", false), txt("fragment2", false), cont("fragment3", true)),
		failsAtOnce("5.17", "Repeated 2x: Continuation Frame with FIN = true (where there is nothing to continue), then text Message fragmented into 2 fragments.", noCont,
			cont("fragment1", true), txt("fragment2", false), cont("fragment3", true),
			cont("fragment1", true), txt("fragment2", false), cont("fragment3", true)),
		failsAtOnce("5.18", "Send text Message fragmented into 2 fragments, with both frame opcodes set to text, sent in one chop.",
			"The connection is failed immediately, since all data frames after the initial data frame must have opcode 0.",
			txt("fragment1", false), txt("fragment2", true)),
		interleaved("5.19", "A fragmented text message is sent in multiple frames. After sending the first 2 frames of the text message, a Ping is sent. Then we wait 1s, then we send 2 more text fragments, another Ping and then the final text fragment. Everything is legal.", false),
		interleaved("5.20", "Same as Case 5.19, but send all frames with SYNC = True. Note, this does not change the octets sent in any way, only how the stream is chopped up on the wire.", true),
	}
}

// --- 7 Close Handling ---

// wrongCodeFails is what the 7.x cases add to Autobahn's judgement: a
// wrong close code fails the case, not only its close.
func wrongCodeFails(p *fuzzConn) {
	p.onLost = func() {
		if p.behaviorClose == vWrongCode {
			p.behavior = vFailed
			p.result = p.resultClose
		}
	}
}

func closeCases() []*caseSpec {
	hello := []byte("Hello World!")
	closeCase := func(id, desc, want string, ec closeExpect, send func(p *fuzzConn)) *caseSpec {
		return &caseSpec{id: id, desc: desc, expect: want, open: func(p *fuzzConn) {
			p.suppressClose = true
			wrongCodeFails(p)
			p.expect(vOK)
			p.expectClose = ec
			send(p)
			p.killAfter(sec(1))
		}}
	}
	cs := []*caseSpec{
		{id: "7.1.1", desc: "Send a message followed by a close frame", expect: "Echoed message followed by clean close with normal code.",
			open: func(p *fuzzConn) {
				wrongCodeFails(p)
				p.expect(vOK, msgEvent(hello, false))
				p.expectClose = cleanNormal
				p.sendFrame(frameOpt{op: opText, payload: hello})
				p.killAfter(sec(1))
			}},
		closeCase("7.1.2", "Send two close frames", "Clean close with normal code. Second close frame ignored.", cleanNormal, func(p *fuzzConn) {
			p.sendClose(closeNormal, "")
			p.sendFrame(frameOpt{op: opClose})
		}),
		closeCase("7.1.3", "Send a ping after close message", "Clean close with normal code, no pong.", cleanNormal, func(p *fuzzConn) {
			p.sendClose(closeNormal, "")
			p.sendFrame(frameOpt{op: opPing})
		}),
		closeCase("7.1.4", "Send text message after sending a close frame.", "Clean close with normal code. Text message ignored.", cleanNormal, func(p *fuzzConn) {
			p.sendClose(closeNormal, "")
			p.sendFrame(frameOpt{op: opText, payload: hello})
		}),
		closeCase("7.1.5", "Send message fragment1 followed by close then fragment", "Clean close with normal code.", cleanNormal, func(p *fuzzConn) {
			p.sendFrame(txt("fragment1", false))
			p.sendClose(closeNormal, "")
			p.sendFrame(cont("fragment2", true))
		}),
		{id: "7.1.6", desc: "Send 256K message followed by close then a ping",
			expect: "Case outcome depends on implementation defined close behavior. Message and close frame are sent back to back. If the close frame is processed before the text message write is complete (as can happen in asynchronous processing models) the close frame is processed first and the text message may not be received or may only be partially received.",
			open: func(p *fuzzConn) {
				p.suppressClose = true
				p.onLost = func() {
					switch p.behavior {
					case vOK:
						p.result = "Text message was processed before close."
					case vNonStrict:
						p.result = "Close was processed before text message could be returned."
					}
					p.behavior, p.behaviorClose = vInformational, vInformational
				}
				p.expect(vOK, msgEvent(hello, false))
				p.expect(vNonStrict)
				p.expectClose = cleanNormal
				p.sendFrame(frameOpt{op: opText, payload: []byte("BAsd7&jh23"), repeat: 256 << 10})
				p.sendFrame(frameOpt{op: opText, payload: hello})
				p.sendClose(closeNormal, "")
				p.sendFrame(frameOpt{op: opPing})
				p.killAfter(sec(1))
			}},
		closeCase("7.3.1", "Send a close frame with payload length 0 (no close code, no close reason)", "Clean close with normal code.", cleanNormal, func(p *fuzzConn) {
			p.sendCloseFrame(closeNone, nil, false)
		}),
		closeCase("7.3.2", "Send a close frame with payload length 1", "Clean close with protocol error or drop TCP.",
			closeExpect{closedByMe: true, codes: []int{closeProtocolError}}, func(p *fuzzConn) {
				p.sendCloseFrame(closeNone, []byte("a"), false)
			}),
		closeCase("7.3.3", "Send a close frame with payload length 2 (regular close with a code)", "Clean close with normal code.", cleanNormal, func(p *fuzzConn) {
			p.sendClose(closeNormal, "")
		}),
		closeCase("7.3.4", "Send a close frame with close code and close reason", "Clean close with normal code.", cleanNormal, func(p *fuzzConn) {
			p.sendClose(closeNormal, "Hello World!")
		}),
		closeCase("7.3.5", "Send a close frame with close code and close reason of maximum length (123)", "Clean close with normal code.", cleanNormal, func(p *fuzzConn) {
			p.sendClose(closeNormal, strings.Repeat("*", 123))
		}),
		closeCase("7.3.6", "Send a close frame with close code and close reason which is too long (124) - total frame payload 126 octets",
			"Clean close with protocol error code or dropped TCP connection.",
			closeExpect{closedByMe: true, codes: []int{closeProtocolError}}, func(p *fuzzConn) {
				p.sendCloseFrame(closeNormal, bytes.Repeat([]byte("*"), 124), false)
			}),
		closeCase("7.5.1", "Send a close frame with invalid UTF8 payload", "Clean close with protocol error or invalid utf8 code or dropped TCP.",
			closeExpect{closedByMe: true, codes: []int{closeProtocolError, closeInvalidPayload}}, func(p *fuzzConn) {
				p.sendCloseFrame(closeNormal, []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64"), false)
			}),
	}
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999} {
		cs = append(cs, closeCase(fmt.Sprintf("7.7.%d", i+1), fmt.Sprintf("Send close with valid close code %d", code), "Clean close with normal or echoed code",
			closeExpect{closedByMe: true, codes: []int{closeNormal, code}, requireClean: true}, func(p *fuzzConn) {
				p.sendCloseFrame(code, nil, false)
			}))
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999} {
		cs = append(cs, closeCase(fmt.Sprintf("7.9.%d", i+1), fmt.Sprintf("Send close with invalid close code %d", code), "Clean close with protocol error code or drop TCP",
			closeExpect{closedByMe: true, codes: []int{closeProtocolError}}, func(p *fuzzConn) {
				p.sendCloseFrame(code, nil, false)
			}))
	}
	for i, code := range []int{5000, 65535} {
		cs = append(cs, &caseSpec{id: fmt.Sprintf("7.13.%d", i+1), desc: fmt.Sprintf("Send close with close code %d", code),
			expect: "Actual events are undefined by the spec.", open: func(p *fuzzConn) {
				p.suppressClose = true
				p.onLost = func() {
					p.behavior, p.behaviorClose = vInformational, vInformational
					p.result = "Actual events are undefined by the spec."
				}
				p.expect(vOK)
				p.expectClose = closeExpect{closedByMe: true, codes: []int{closeNormal, code, closeProtocolError}}
				p.sendCloseFrame(code, nil, false)
				p.killAfter(sec(1))
			}})
	}
	return cs
}

// --- 9 Limits/Performance ---

// bigEcho is a 9.x case: one message goes out, the same type and length
// must come back within the case's time.
func bigEcho(id, desc string, bin bool, size int, wait int, send func(p *fuzzConn, op byte)) *caseSpec {
	kind, op := "text", byte(opText)
	if bin {
		kind, op = "binary", opBinary
	}
	return &caseSpec{id: id, desc: desc, wait: sec(wait + 10),
		expect: fmt.Sprintf("Receive echo'ed %s message (with payload as sent).", kind),
		open: func(p *fuzzConn) {
			p.behavior = vFailed
			p.expectClose = cleanNormal
			p.result = fmt.Sprintf("Did not receive message within %d seconds.", wait)
			p.onMessage = func(data []byte, binary bool) {
				switch {
				case binary != bin:
					p.result = fmt.Sprintf("Expected %s message with payload, but got the other type.", kind)
				case len(data) != size:
					p.result = fmt.Sprintf("Expected %s message with payload of length %d, but got %d.", kind, size, len(data))
				default:
					p.behavior = vOK
					p.result = fmt.Sprintf("Received %s message of length %d.", kind, len(data))
				}
				p.sendClose(closeNormal, "")
			}
			send(p, op)
			p.closeAfter(sec(wait))
		}}
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dM", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dk", n>>10)
	}
	return strconv.Itoa(n)
}

func limitCases() []*caseSpec {
	var cs []*caseSpec
	textFill, binFill := []byte("BAsd7&jh23"), []byte("\x00\xfe\x23\xfa\xf0")
	sizes := []int{64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20, 16 << 20}
	textWait := []int{10, 10, 100, 100, 100, 100}
	binWait := []int{10, 10, 10, 10, 100, 100}
	for i, n := range sizes {
		cs = append(cs, bigEcho(fmt.Sprintf("9.1.%d", i+1), fmt.Sprintf("Send text message message with payload of length %d (%s).", n, sizeName(n)),
			false, n, textWait[i], func(p *fuzzConn, op byte) {
				p.sendFrame(frameOpt{op: op, payload: textFill, repeat: n})
			}))
		cs = append(cs, bigEcho(fmt.Sprintf("9.2.%d", i+1), fmt.Sprintf("Send binary message message with payload of length %d (%s).", n, sizeName(n)),
			true, n, binWait[i], func(p *fuzzConn, op byte) {
				p.sendFrame(frameOpt{op: op, payload: binFill, repeat: n})
			}))
	}
	for i, frag := range []int{64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20} {
		const n = 4 << 20
		cs = append(cs, bigEcho(fmt.Sprintf("9.3.%d", i+1),
			fmt.Sprintf("Send fragmented text message message with message payload of length 4 * 2**20 (4M). Sent out in fragments of %s.", sizeName(frag)),
			false, n, 100, func(p *fuzzConn, op byte) {
				p.sendMessage(bytes.Repeat([]byte("*"), n), false, frag)
			}))
		cs = append(cs, bigEcho(fmt.Sprintf("9.4.%d", i+1),
			fmt.Sprintf("Send fragmented binary message message with message payload of length 4 * 2**20 (4M). Sent out in fragments of %s.", sizeName(frag)),
			true, n, 100, func(p *fuzzConn, op byte) {
				p.sendMessage(bytes.Repeat([]byte{0xfe}, n), true, frag)
			}))
	}
	for i, chop := range []int{64, 128, 256, 512, 1024, 2048} {
		const n = 1 << 20
		cs = append(cs, bigEcho(fmt.Sprintf("9.5.%d", i+1),
			fmt.Sprintf("Send text message message with payload of length 1 * 2**20 (1M). Sent out data in chops of %d octets.", chop),
			false, n, 1000, func(p *fuzzConn, op byte) {
				p.sendFrame(frameOpt{op: op, payload: textFill, repeat: n, chop: chop})
			}))
		cs = append(cs, bigEcho(fmt.Sprintf("9.6.%d", i+1),
			fmt.Sprintf("Send binary message message with payload of length 1 * 2**20 (1M). Sent out data in chops of %d octets.", chop),
			true, n, 1000, func(p *fuzzConn, op byte) {
				p.sendFrame(frameOpt{op: op, payload: binFill, repeat: n, chop: chop})
			}))
	}
	for i, t := range []struct{ size, wait int }{{0, 60}, {16, 60}, {64, 60}, {256, 120}, {1024, 240}, {4096, 480}} {
		for _, bin := range []bool{false, true} {
			cs = append(cs, roundTrips(i+1, t.size, 1000, t.wait, bin))
		}
	}
	// The big messages are what makes section 9 slow; the round trip
	// cases and the two smallest messages of 9.1/9.2 stay in every run.
	for _, c := range cs {
		k := caseKey(c.id)
		c.slow = k[1] <= 6 && !(k[1] <= 2 && k[2] <= 2)
	}
	return cs
}

// roundTrips is 9.7.x (text) and 9.8.x (binary): count messages one after
// the other, each sent once the previous one came back.
func roundTrips(i, size, count, wait int, bin bool) *caseSpec {
	kind, sub, op, fill := "text", 7, byte(opText), []byte("*")
	if bin {
		kind, sub, op, fill = "binary", 8, opBinary, []byte{0xfe}
	}
	return &caseSpec{id: fmt.Sprintf("9.%d.%d", sub, i), wait: sec(wait + 10),
		desc:   fmt.Sprintf("Send %d %s messages of payload size %d to measure implementation/network RTT (round trip time) / latency.", count, kind, size),
		expect: fmt.Sprintf("Receive echo'ed %s messages (with payload as sent). Timeout case after %d secs.", kind, wait),
		open: func(p *fuzzConn) {
			p.behavior = vFailed
			p.expectClose = cleanNormal
			p.result = fmt.Sprintf("Case did not finish within %d seconds.", wait)
			n := 0
			sendOne := func() {
				f := frameOpt{op: op, payload: fill, repeat: size}
				if size == 0 {
					f.payload = nil
				}
				p.sendFrame(f)
				n++
			}
			p.onMessage = func(data []byte, binary bool) {
				switch {
				case binary != bin || len(data) != size:
					p.behavior = vFailed
					p.result = fmt.Sprintf("Echo'ed message type or length differs from what I sent (got binary = %v, payload length = %d).", binary, len(data))
					p.sendClose(closeNormal, "")
				case n < count:
					sendOne()
				default:
					p.behavior = vOK
					p.result = "Ok, received all echo'ed messages in time."
					p.sendClose(closeNormal, "")
				}
			}
			p.closeAfter(sec(wait))
			sendOne()
		}}
}

// --- 10 Misc ---

func miscCases() []*caseSpec {
	return []*caseSpec{{id: "10.1.1", desc: "Send text message with payload of length 65536 auto-fragmented with autoFragmentSize = 1300.",
		expect: "Receive echo'ed text message (with payload as sent and transmitted frame counts as expected). Clean close with normal code.",
		open: func(p *fuzzConn) {
			payload := bytes.Repeat([]byte("*"), 65536)
			p.autoFragment = 1300
			p.expect(vOK, msgEvent(payload, false))
			p.expectClose = cleanNormal
			p.onLost = func() {
				// The harness checks its own auto-fragmentation, as Autobahn does.
				want0, want1 := len(payload)/1300, 0
				if len(payload)%1300 > 0 {
					want1 = 1
				}
				if p.txFrames[opCont] != want0 || p.txFrames[opText] != want1 {
					p.behavior = vFailed
					p.result = fmt.Sprintf("Frames transmitted {0: %d, 1: %d} does not match what we expected {0: %d, 1: %d}.",
						p.txFrames[opCont], p.txFrames[opText], want0, want1)
				}
			}
			p.sendMessage(payload, false, 0)
			p.killAfter(sec(10))
		}}}
}
