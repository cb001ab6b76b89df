package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The lws-go examples against every case, both sides: the server example
// against the harness as client, the client example (one process per
// case) against the harness's fuzzing server. Under CI=true the plain
// gorilla and coder/websocket peers run in the same run, section 9's large
// messages too, and the summary (CONFORMANCE.md's tables) is printed; the
// heavy compression cases (12.x/13.x with messages of 8 KB and more) run
// only with the command's -heavy. Any FAILED verdict of lws-go fails the
// test; WSCONFORM_REPORT=dir keeps the report and its tables
// (conformance.md, which scripts/test prints).
func TestLwsGoConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the lws-go examples for a few hundred cases")
	}
	ci := os.Getenv("CI") == "true"
	impls := []string{"lws-go"}
	if ci {
		impls = append(impls, "gorilla", "coder")
	}
	opts := options{
		mode:     "both",
		impls:    impls,
		slow:     ci,
		parallel: 4,
		command:  "go test ./tools/wsconform -run TestLwsGoConformance",
	}
	r, err := runHarness(opts)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("WSCONFORM_REPORT"); dir != "" {
		if err := r.writeReports(dir); err != nil {
			t.Error(err)
		}
		// The tables, which scripts/test prints at its end.
		if err := os.WriteFile(filepath.Join(dir, "conformance.md"), []byte(r.conformance()), 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("%d cases\n%s", len(r.cases), r.summaryText())
	for _, s := range r.sides {
		for _, c := range r.cases {
			res := s.get("lws-go", c.id)
			switch {
			case res == nil:
				t.Errorf("%s %s: not run", s.mode, c.id)
			case res.verdict == vFailed:
				t.Errorf("%s %s FAILED: %s / close %s: %s %s%s", s.mode, c.id, res.behavior, res.behaviorClose, res.result, res.resultClose, notesText(res.notes))
			}
		}
	}
}

// The harness must catch what it is there to catch: gorilla's plain echo
// sends invalid UTF-8 back (6.3.1 and a 6.x sequence fail), and takes
// everything else of the sample.
func TestHarnessJudgesGorilla(t *testing.T) {
	opts := options{mode: "fuzzingclient", impls: []string{"gorilla"}, include: []string{"1.1.1", "2.5", "5.19", "6.3.1", "6.20.1", "7.9.1", "12.1.3"}, parallel: 4}
	r, err := runHarness(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"1.1.1": vOK, "2.5": vOK, "5.19": vOK, "6.3.1": vFailed, "6.20.1": vFailed, "7.9.1": vOK, "12.1.3": vOK}
	for id, v := range want {
		if got := r.sides[0].get("gorilla", id); got == nil || got.verdict != v {
			t.Errorf("gorilla %s: got %+v, want %s", id, got, v)
		}
	}
	md := r.markdown()
	for _, s := range []string{"| 6 UTF-8 Handling |", "### gorilla: cases not OK, and RFC notes", "6.3.1 FAILED"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown report lacks %q", s)
		}
	}
	if page := r.htmlPage(); !strings.Contains(page, "<table>") || strings.Contains(page, "<script") {
		t.Error("html report is not a plain self-contained page")
	}
}

func TestCaseList(t *testing.T) {
	seen := map[string]bool{}
	perSection := map[string]int{}
	for i, c := range allCases {
		if seen[c.id] {
			t.Errorf("case %s twice", c.id)
		}
		seen[c.id] = true
		perSection[section(c.id)]++
		if i > 0 && !caseLess(allCases[i-1].id, c.id) {
			t.Errorf("%s listed after %s", c.id, allCases[i-1].id)
		}
		if c.desc == "" || c.expect == "" || c.open == nil {
			t.Errorf("case %s incomplete", c.id)
		}
	}
	// Autobahn's counts: 16 framing, 11 ping, 7 RSV, 10 opcode, 20
	// fragmentation, 145 UTF-8, 37 close, 54 limits, 1 misc, 90 and 126
	// compression cases.
	want := map[string]int{"1": 16, "2": 11, "3": 7, "4": 10, "5": 20, "6": 145, "7": 37, "9": 54, "10": 1, "12": 90, "13": 126}
	for s, n := range want {
		if perSection[s] != n {
			t.Errorf("section %s: %d cases, want %d", s, perSection[s], n)
		}
	}
	for _, id := range []string{"1.1.1", "6.4.3", "6.6.11", "6.23.7", "7.7.13", "7.9.9", "9.8.6", "10.1.1", "12.5.18", "13.7.18"} {
		if !seen[id] {
			t.Errorf("no case %s", id)
		}
	}
}

func TestUTF8ValidatorMatchesGo(t *testing.T) {
	for _, g := range utf8Sequences() {
		for _, s := range g.seqs {
			if got, want := validUTF8([]byte(s)), utf8.ValidString(s); got != want {
				t.Errorf("%q (%s): valid %v, Go says %v", s, g.name, got, want)
			}
		}
	}
	// Fail fast: the octet that cannot continue a sequence is refused at
	// once, before the sequence is complete.
	var v utf8Validator
	if !v.feed([]byte("\xce\xba\xf4")) || v.feed([]byte{0x90}) {
		t.Error("f4 90 not refused at its second octet")
	}
}

func TestEncodeFrame(t *testing.T) {
	for _, n := range []int{0, 125, 126, 65535, 65536} {
		payload := bytes.Repeat([]byte{'x'}, n)
		f := encodeFrame(frameOpt{op: opBinary, payload: payload}, true)
		hl := map[bool]int{true: 2, false: 0}[n <= 125] + map[bool]int{true: 4, false: 0}[n > 125 && n <= 65535] + map[bool]int{true: 10, false: 0}[n > 65535] + 4
		if len(f) != hl+n || f[0] != 0x82 || f[1]&0x80 == 0 {
			t.Fatalf("frame of %d: header % x, length %d", n, f[:min(len(f), 14)], len(f))
		}
		var key [4]byte
		copy(key[:], f[hl-4:hl])
		p := append([]byte(nil), f[hl:]...)
		maskBytes(p, key)
		if !bytes.Equal(p, payload) {
			t.Fatalf("frame of %d does not unmask", n)
		}
	}
	f := encodeFrame(frameOpt{op: opText, payload: []byte("ab"), repeat: 5, noFin: true, rsv: 3}, false)
	if !bytes.Equal(f, []byte{0x31, 5, 'a', 'b', 'a', 'b', 'a'}) {
		t.Fatalf("got % x", f)
	}
}

func TestDeflateRoundTrip(t *testing.T) {
	for _, nct := range []bool{false, true} {
		pp := pmdParams{serverNoContextTakeover: nct, clientNoContextTakeover: nct}
		client, server := newPMD(false, pp), newPMD(true, pp)
		for i := 0; i < 20; i++ {
			msg := []byte(strings.Repeat(fmt.Sprintf("message %d, ", i%3), 100+i))
			z, err := client.compress(msg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := server.decompress(z)
			if err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("no context takeover %v, message %d: %v", nct, i, err)
			}
		}
	}
}

func TestNegotiation(t *testing.T) {
	o, err := parseOffer(parseExtensions("permessage-deflate; client_max_window_bits; server_max_window_bits=10")[0])
	if err != nil || !o.acceptMaxWindowBits || o.requestMaxWindowBits != 10 {
		t.Fatalf("offer %+v, %v", o, err)
	}
	if _, err := parseOffer(parseExtensions("permessage-deflate; x_unknown")[0]); err == nil {
		t.Fatal("an unknown parameter was accepted")
	}
	resp, pp, ok := deflateParams[2].accept([]pmdOffer{o})
	if !ok || resp != "permessage-deflate; server_max_window_bits=10; client_max_window_bits=9" || pp.clientMaxWindowBits != 9 {
		t.Fatalf("accept3: %q %+v %v", resp, pp, ok)
	}
	if _, _, ok := deflateParams[2].accept([]pmdOffer{{acceptNoContextTakeover: true}}); ok {
		t.Fatal("accept3 took an offer without client_max_window_bits")
	}
	p, err := parseResponse("permessage-deflate; server_no_context_takeover; client_max_window_bits=12")
	if err != nil || !p.serverNoContextTakeover || p.clientMaxWindowBits != 12 {
		t.Fatalf("response %+v, %v", p, err)
	}
	if _, err := parseResponse("permessage-deflate; client_max_window_bits=16"); err == nil {
		t.Fatal("a window of 16 bits was accepted")
	}
}

func TestVerdictOf(t *testing.T) {
	for _, tc := range [][3]string{
		{vOK, vOK, vOK}, {vNonStrict, vOK, vNonStrict}, {vOK, vWrongCode, vNonStrict}, {vOK, vFailedByClient, vNonStrict},
		{vOK, vUnclean, vFailed}, {vOK, vFailed, vFailed}, {vFailed, vOK, vFailed}, {vInformational, vInformational, vInformational},
		{vUnimplemented, vOK, vUnimplemented},
	} {
		if got := verdictOf(tc[0], tc[1]); got != tc[2] {
			t.Errorf("verdictOf(%s, %s) = %s, want %s", tc[0], tc[1], got, tc[2])
		}
	}
}
