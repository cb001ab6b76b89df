package main

import (
	"encoding/hex"
	"fmt"
	"time"
)

// --- 6 UTF-8 Handling ---

// utf8Sequences is Autobahn's createUtf8TestSequences: Markus Kuhn's
// UTF-8 decoder capability and stress test, as groups 6.5 to 6.23. Each
// string is valid or not by RFC 3629 (a text message must be valid UTF-8,
// RFC 6455 5.6 and 8.1).
func utf8Sequences() []struct {
	name string
	seqs []string
} {
	type group = struct {
		name string
		seqs []string
	}
	vss := "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
	var prefixes []string
	for i := 1; i <= len(vss); i++ {
		prefixes = append(prefixes, vss[:i])
	}
	var unexpected []string
	unexpected = append(unexpected, "\x80", "\xbf", "\x80\xbf", "\x80\xbf\x80", "\x80\xbf\x80\xbf", "\x80\xbf\x80\xbf\x80", "\x80\xbf\x80\xbf\x80\xbf")
	var all []byte
	for c := 0x80; c < 0xbf; c++ { // 0x80 to 0xbe, as Autobahn's xrange
		all = append(all, byte(c))
	}
	unexpected = append(unexpected, string(all))
	var lonely []string
	for _, r := range [][2]int{{0xc0, 0xdf}, {0xe0, 0xef}, {0xf0, 0xf7}, {0xf8, 0xfb}, {0xfc, 0xfd}} {
		var b []byte
		for c := r[0]; c < r[1]; c++ {
			b = append(b, byte(c), 0x20)
		}
		lonely = append(lonely, string(b))
	}
	missing := []string{"\xc0", "\xe0\x80", "\xf0\x80\x80", "\xf8\x80\x80\x80", "\xfc\x80\x80\x80\x80",
		"\xdf", "\xef\xbf", "\xf7\xbf\xbf", "\xfb\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf"}
	concat := ""
	for _, m := range missing {
		concat += m
	}
	var nonChars []string
	nonChars = append(nonChars, "\xef\xbf\xbe", "\xef\xbf\xbf")
	for _, z1 := range []byte{0xf0, 0xf1, 0xf2, 0xf3, 0xf4} {
		for _, z2 := range []byte{0x8f, 0x9f, 0xaf, 0xbf} {
			if z1 == 0xf4 && z2 != 0x8f {
				continue // above U+10FFFF
			}
			for _, z3 := range []byte{0xbe, 0xbf} {
				zz := string([]byte{z1, z2, 0xbf, z3})
				if zz != "\xf0\x8f\xbf\xbe" && zz != "\xf0\x8f\xbf\xbf" { // overlong
					nonChars = append(nonChars, zz)
				}
			}
		}
	}
	return []group{
		{"Some valid UTF-8 sequences", []string{"hello\x24world", "hello\xc2\xa2world", "hello\xe2\x82\xacworld", "hello\xf0\xa4\xad\xa2world", vss}},
		{"All prefixes of a valid UTF-8 string that contains multi-byte code points", prefixes},
		{"First possible sequence of a certain length", []string{"\x00", "\xc2\x80", "\xe0\xa0\x80", "\xf0\x90\x80\x80"}},
		{"First possible sequence length 5/6 (invalid codepoints)", []string{"\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80"}},
		{"Last possible sequence of a certain length", []string{"\x7f", "\xdf\xbf", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf"}},
		{"Last possible sequence length 4/5/6 (invalid codepoints)", []string{"\xf7\xbf\xbf\xbf", "\xfb\xbf\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf\xbf"}},
		{"Other boundary conditions", []string{"\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80"}},
		{"Unexpected continuation bytes", unexpected},
		{"Lonely start characters", lonely},
		{"Sequences with last continuation byte missing", missing},
		{"Concatenation of incomplete sequences", []string{concat}},
		{"Impossible bytes", []string{"\xfe", "\xff", "\xfe\xfe\xff\xff"}},
		{"Examples of an overlong ASCII character", []string{"\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xf8\x80\x80\x80\xaf", "\xfc\x80\x80\x80\x80\xaf"}},
		{"Maximum overlong sequences", []string{"\xc1\xbf", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "\xf8\x87\xbf\xbf\xbf", "\xfc\x83\xbf\xbf\xbf\xbf"}},
		{"Overlong representation of the NUL character", []string{"\xc0\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xf8\x80\x80\x80\x80", "\xfc\x80\x80\x80\x80\x80"}},
		{"Single UTF-16 surrogates", []string{"\xed\xa0\x80", "\xed\xad\xbf", "\xed\xae\x80", "\xed\xaf\xbf", "\xed\xb0\x80", "\xed\xbe\x80", "\xed\xbf\xbf"}},
		{"Paired UTF-16 surrogates", []string{"\xed\xa0\x80\xed\xb0\x80", "\xed\xa0\x80\xed\xbf\xbf", "\xed\xad\xbf\xed\xb0\x80", "\xed\xad\xbf\xed\xbf\xbf",
			"\xed\xae\x80\xed\xb0\x80", "\xed\xae\x80\xed\xbf\xbf", "\xed\xaf\xbf\xed\xb0\x80", "\xed\xaf\xbf\xed\xbf\xbf"}},
		{"Non-character code points (valid UTF-8)", nonChars},
		{"Unicode specials (i.e. replacement char)", []string{"\xef\xbf\xb9", "\xef\xbf\xba", "\xef\xbf\xbb", "\xef\xbf\xbc", "\xef\xbf\xbd", "\xef\xbf\xbe", "\xef\xbf\xbf"}},
	}
}

func utf8Cases() []*caseSpec {
	echoText := func(id, desc string, frames func(p *fuzzConn), want []byte) *caseSpec {
		return &caseSpec{id: id, desc: desc, expect: "The message is echo'ed back to us.", open: func(p *fuzzConn) {
			p.expect(vOK, msgEvent(want, false))
			p.expectClose = cleanNormal
			frames(p)
			p.closeAfter(sec(1))
		}}
	}
	hello := []byte("Hello-µ@ßöäüàá-UTF-8!!")
	kosme := []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5")
	bad := []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64")
	cs := []*caseSpec{
		echoText("6.1.1", "Send text message of length 0.", func(p *fuzzConn) {
			p.sendFrame(frameOpt{op: opText})
		}, []byte{}),
		echoText("6.1.2", "Send fragmented text message, 3 fragments each of length 0.", func(p *fuzzConn) {
			p.sendFrame(txt("", false))
			p.sendFrame(cont("", false))
			p.sendFrame(cont("", true))
		}, []byte{}),
		echoText("6.1.3", "Send fragmented text message, 3 fragments, first and last of length 0, middle non-empty.", func(p *fuzzConn) {
			p.sendFrame(txt("", false))
			p.sendFrame(cont("middle frame payload", false))
			p.sendFrame(cont("", true))
		}, []byte("middle frame payload")),
		echoText("6.2.1", "Send a valid UTF-8 text message in one fragment. MESSAGE: "+string(hello)+" "+hex.EncodeToString(hello), func(p *fuzzConn) {
			p.sendMessage(hello, false, 0)
		}, hello),
		echoText("6.2.2", "Send a valid UTF-8 text message in two fragments, fragmented on UTF-8 code point boundary.", func(p *fuzzConn) {
			p.sendFrame(txt("Hello-µ@ßöä", false))
			p.sendFrame(cont("üàá-UTF-8!!", true))
		}, hello),
		echoText("6.2.3", "Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends. MESSAGE: "+hex.EncodeToString(hello), func(p *fuzzConn) {
			p.sendMessage(hello, false, 1)
		}, hello),
		echoText("6.2.4", "Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends. MESSAGE: "+hex.EncodeToString(kosme), func(p *fuzzConn) {
			p.sendMessage(kosme, false, 1)
		}, kosme),
		{id: "6.3.1", desc: "Send invalid UTF-8 text message unfragmented. MESSAGE: " + hex.EncodeToString(bad),
			expect: "The connection is failed immediately, since the payload is not valid UTF-8.", open: func(p *fuzzConn) {
				p.expect(vOK)
				p.expectClose = peerFails1007
				p.sendMessage(bad, false, 0)
				p.killAfter(sec(1))
			}},
		{id: "6.3.2", desc: "Send invalid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends. MESSAGE: " + hex.EncodeToString(bad),
			expect: "The connection is failed immediately, since the payload is not valid UTF-8.", open: func(p *fuzzConn) {
				p.expect(vOK)
				p.expectClose = peerFails1007
				p.sendMessage(bad, false, 1)
				p.killAfter(sec(1))
			}},
	}
	cs = append(cs, failFastCases()...)
	for i, g := range utf8Sequences() {
		sub := fmt.Sprintf("6.%d", i+5)
		subsectionNames[sub] = g.name
		for j, s := range g.seqs {
			payload := []byte(s)
			valid := validUTF8(payload)
			desc := "Send a text message with payload which is not valid UTF-8 in one fragment."
			want := "The connection is failed immediately, since the payload is not valid UTF-8."
			if valid {
				desc = "Send a text message with payload which is valid UTF-8 in one fragment."
				want = "The message is echo'ed back to us."
			}
			cs = append(cs, &caseSpec{id: fmt.Sprintf("%s.%d", sub, j+1), desc: desc + " Payload: 0x" + hex.EncodeToString(payload), expect: want,
				open: func(p *fuzzConn) {
					if valid {
						p.expect(vOK, msgEvent(payload, false))
						p.expectClose = cleanNormal
					} else {
						p.expect(vOK)
						p.expectClose = peerFails1007
					}
					p.sendMessage(payload, false, 0)
					p.killAfter(500 * time.Millisecond)
				}})
		}
	}
	return cs
}

// failFastCases are 6.4.x: invalid UTF-8 arrives in three parts a second
// apart; the peer should fail the connection as soon as the part that
// makes the text invalid arrives (OK), at the latest when the message ends
// (NON-STRICT).
func failFastCases() []*caseSpec {
	p1 := []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5")
	p2 := []byte("\xf4\x90\x80\x80") // 0x110000: beyond Unicode
	p3 := []byte("\x65\x64\x69\x74\x65\x64")
	whole := append(append(append([]byte(nil), p1...), p2...), p3...)
	want := "The first frame is accepted, we expect to timeout on the first wait. The 2nd frame should be rejected immediately (fail fast on UTF-8). If we timeout, we expect the connection is failed at least then, since the complete message payload is not valid UTF-8."
	setup := func(p *fuzzConn) {
		p.expect(vOK, timeoutEvent("A"))
		p.expect(vNonStrict, timeoutEvent("A"), timeoutEvent("B"))
		p.expectClose = peerFails1007
	}
	// threeParts sends part i (0, 1, 2) a second after the one before,
	// noting each wait the peer let pass as a timeout event.
	threeParts := func(p *fuzzConn, send func(i int)) {
		send(0)
		p.continueLater(sec(1), func() {
			if p.state != stOpen {
				return
			}
			p.received = append(p.received, timeoutEvent("A"))
			send(1)
			p.continueLater(sec(1), func() {
				if p.state != stOpen {
					return
				}
				p.received = append(p.received, timeoutEvent("B"))
				send(2)
				p.killAfter(sec(1))
			})
		})
	}
	frames := func(parts [3][]byte) func(p *fuzzConn) {
		return func(p *fuzzConn) {
			setup(p)
			threeParts(p, func(i int) {
				f := frameOpt{op: opCont, payload: parts[i], noFin: i < 2}
				if i == 0 {
					f.op = opText
				}
				p.sendFrame(f)
			})
		}
	}
	// chops sends one frame whose octets leave in three writes.
	chops := func(cut1, cut2 int) func(p *fuzzConn) {
		return func(p *fuzzConn) {
			setup(p)
			raw := encodeFrame(frameOpt{op: opText, payload: whole}, !p.server)
			hdr := len(raw) - len(whole)
			parts := [][]byte{raw[:hdr+cut1], raw[hdr+cut1 : hdr+cut2], raw[hdr+cut2:]}
			threeParts(p, func(i int) { p.sendData(parts[i], true, 0) })
		}
	}
	hexParts := func(a, b, c []byte) string {
		return fmt.Sprintf(" PART1 = %x, PART2 = %x, PART3 = %x", a, b, c)
	}
	return []*caseSpec{
		{id: "6.4.1", wait: sec(20), expect: want, open: frames([3][]byte{p1, p2, p3}),
			desc: "Send invalid UTF-8 text message in 3 fragments (frames). First frame payload is valid, then wait, then 2nd frame which contains the payload making the sequence invalid, then wait, then 3rd frame with rest. Note that PART1 and PART3 are valid UTF-8 in themselves, PART2 is a 0x110000 encoded as in the UTF-8 integer encoding scheme, but the codepoint is invalid (out of range)." + hexParts(p1, p2, p3)},
		{id: "6.4.2", wait: sec(20), expect: want, open: frames([3][]byte{whole[:12], whole[12:13], whole[13:]}),
			desc: "Same as Case 6.4.1, but in 2nd frame, we send only up to and including the octet making the complete payload invalid." + hexParts(whole[:12], whole[12:13], whole[13:])},
		{id: "6.4.3", wait: sec(20), expect: want, open: chops(len(p1), len(p1)+len(p2)),
			desc: "Same as Case 6.4.1, but we send message not in 3 frames, but in 3 chops of the same message frame." + hexParts(p1, p2, p3)},
		{id: "6.4.4", wait: sec(20), expect: want, open: chops(12, 13),
			desc: "Same as Case 6.4.2, but we send message not in 3 frames, but in 3 chops of the same message frame." + hexParts(whole[:12], whole[12:13], whole[13:])},
	}
}
