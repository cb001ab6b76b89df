package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"
)

// --- 12 and 13 WebSocket Compression (permessage-deflate, RFC 7692) ---

// msgSizes is Autobahn's MSG_SIZES: message size, count, seconds allowed,
// auto-fragment size (0: none).
var msgSizes = []struct{ size, count, wait, frag int }{
	{16, 1000, 60, 0}, {64, 1000, 60, 0}, {256, 1000, 120, 0}, {1024, 1000, 240, 0},
	{4096, 1000, 480, 0}, {8192, 1000, 480, 0}, {16384, 1000, 480, 0}, {32768, 1000, 480, 0},
	{65536, 1000, 480, 0}, {131072, 1000, 480, 0},
	{8192, 1000, 480, 256}, {16384, 1000, 480, 256}, {32768, 1000, 480, 256}, {65536, 1000, 480, 256},
	{131072, 1000, 480, 256}, {131072, 1000, 480, 1024}, {131072, 1000, 480, 4096}, {131072, 1000, 480, 32768},
}

// dataset is a payload the compression cases cut their messages from.
// Autobahn ships five files (a JSON document, a bitmap, Goethe's Faust, an
// HTML page, a PDF); the harness generates stand-ins of the same size and
// kind, deterministically, so that the cases are the same in every run
// and nothing is downloaded.
type dataset struct {
	desc   string
	binary bool
	size   int
	gen    func(r *rand.Rand, size int) []byte
	once   sync.Once
	data   []byte
	runes  []int // text: the octet offset of each code point, and the end
}

func (d *dataset) get() *dataset {
	d.once.Do(func() {
		d.data = d.gen(rand.New(rand.NewPCG(uint64(d.size), 7681)), d.size)
		if !d.binary {
			// Messages are cut by code point, as Autobahn cuts them.
			for i := range string(d.data) {
				d.runes = append(d.runes, i)
			}
			d.runes = append(d.runes, len(d.data))
		}
	})
	return d
}

// Autobahn's WS_COMPRESSION_TESTDATA_KEYS order: 12.1 to 12.5.
var datasets = []*dataset{
	{desc: "Large JSON data file (synthetic stand-in)", size: 194056, gen: genJSON},
	{desc: "Lena Picture, Bitmap 512x512 bw (synthetic stand-in)", binary: true, size: 263222, gen: genBitmap},
	{desc: "Human readable text, Goethe's Faust I (German) (synthetic stand-in)", binary: true, size: 222218, gen: genVerse},
	{desc: "Large HTML file (synthetic stand-in)", size: 263647, gen: genHTML},
	{desc: "A larger PDF (synthetic stand-in)", binary: true, size: 1042328, gen: genPDF},
}

// deflateParams is Autobahn's DEFLATE_PARAMS for 13.1 to 13.7: what the
// server accepts and what the client offers.
var deflateParams = []struct {
	accept     pmdAccept
	acceptDesc string
	offers     []pmdOffer
}{
	{acceptWith(anyOffer, false, 0), "[(False, 0)]", []pmdOffer{defaultOffer}},
	{acceptWith(func(o pmdOffer) bool { return o.acceptNoContextTakeover }, true, 0), "[(True, 0)]",
		[]pmdOffer{{acceptNoContextTakeover: true, acceptMaxWindowBits: true, requestNoContextTakeover: true}}},
	{acceptWith(func(o pmdOffer) bool { return o.acceptMaxWindowBits }, false, 9), "[(False, 9)]",
		[]pmdOffer{{acceptNoContextTakeover: true, acceptMaxWindowBits: true, requestMaxWindowBits: 9}}},
	{acceptWith(func(o pmdOffer) bool { return o.acceptMaxWindowBits }, false, 15), "[(False, 15)]",
		[]pmdOffer{{acceptNoContextTakeover: true, acceptMaxWindowBits: true, requestMaxWindowBits: 15}}},
	{acceptWith(func(o pmdOffer) bool { return o.acceptNoContextTakeover && o.acceptMaxWindowBits }, true, 9), "[(True, 9)]",
		[]pmdOffer{{acceptNoContextTakeover: true, acceptMaxWindowBits: true, requestNoContextTakeover: true, requestMaxWindowBits: 9}}},
	{acceptWith(func(o pmdOffer) bool { return o.acceptNoContextTakeover && o.acceptMaxWindowBits }, true, 15), "[(True, 15)]",
		[]pmdOffer{{acceptNoContextTakeover: true, acceptMaxWindowBits: true, requestNoContextTakeover: true, requestMaxWindowBits: 15}}},
	{firstOf(
		acceptWith(func(o pmdOffer) bool { return o.acceptNoContextTakeover && o.acceptMaxWindowBits }, true, 9),
		acceptWith(func(o pmdOffer) bool { return o.acceptNoContextTakeover }, true, 0),
		acceptWith(anyOffer, false, 0)), "[(True, 9), (True, 0), (False, 0)]",
		[]pmdOffer{
			{acceptNoContextTakeover: true, acceptMaxWindowBits: true, requestNoContextTakeover: true, requestMaxWindowBits: 9},
			{acceptNoContextTakeover: true, acceptMaxWindowBits: true, requestNoContextTakeover: true},
			defaultOffer,
		}},
}

func offersDesc(os []pmdOffer) string {
	var parts []string
	for _, o := range os {
		parts = append(parts, fmt.Sprintf("(%s, %d)", pyBool(o.requestNoContextTakeover), o.requestMaxWindowBits))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func kindOf(d *dataset) string {
	if d.binary {
		return "binary"
	}
	return "utf8"
}

func compressionCases() []*caseSpec {
	var cs []*caseSpec
	for j, d := range datasets {
		subsectionNames[fmt.Sprintf("12.%d", j+1)] = fmt.Sprintf("%s (%s, %d bytes)", d.desc, kindOf(d), d.size)
		for i, s := range msgSizes {
			cs = append(cs, compressionCase(fmt.Sprintf("12.%d.%d", j+1, i+1), d, s.size, s.count, s.wait, s.frag,
				[]pmdOffer{defaultOffer}, acceptWith(anyOffer, false, 0), "Use default permessage-deflate offer."))
		}
	}
	d := datasets[0]
	for j, dp := range deflateParams {
		co := "client offers (requestNoContextTakeover, requestMaxWindowBits): " + offersDesc(dp.offers)
		subsectionNames[fmt.Sprintf("13.%d", j+1)] = fmt.Sprintf("%s (%s, %d bytes) - %s / server accept (requestNoContextTakeover, requestMaxWindowBits): %s",
			d.desc, kindOf(d), d.size, co, dp.acceptDesc)
		for i, s := range msgSizes {
			cs = append(cs, compressionCase(fmt.Sprintf("13.%d.%d", j+1, i+1), d, s.size, s.count, s.wait, s.frag,
				dp.offers, dp.accept, "Use permessage-deflate "+co))
		}
	}
	return cs
}

// compressionCase is one 12.x/13.x case: count messages cut from the
// dataset, each sent compressed once the previous one came back intact.
func compressionCase(id string, d *dataset, size, count, wait, frag int, offers []pmdOffer, accept pmdAccept, how string) *caseSpec {
	return &caseSpec{
		id:     id,
		desc:   fmt.Sprintf("Send %d compressed messages each of payload size %d, auto-fragment to %d octets. %s", count, size, frag, how),
		expect: fmt.Sprintf("Receive echo'ed messages (with payload as sent). Timeout case after %d secs.", wait),
		// Messages of 8 KB and more make these the slowest cases of all.
		heavy:  size > 4096,
		wait:   sec(wait + 10),
		offers: offers,
		accept: accept,
		open: func(p *fuzzConn) {
			p.expectClose = cleanNormal
			p.autoFragment = frag
			if p.pmd == nil {
				p.behavior = vUnimplemented
				p.result = "permessage-deflate was not agreed on."
				p.sendClose(closeNormal, "")
				return
			}
			d := d.get()
			p.behavior = vFailed
			p.result = fmt.Sprintf("Case did not finish within %d seconds.", wait)
			p.closeAfter(sec(wait))
			ptr, n := 0, 0
			var want []byte
			sendOne := func() {
				want = cutMessage(d, &ptr, size)
				p.sendMessage(want, d.binary, 0)
				n++
			}
			p.onMessage = func(data []byte, binary bool) {
				got := len(data)
				if !d.binary {
					got = utf8.RuneCount(data)
				}
				switch {
				case binary != d.binary:
					p.behavior = vFailed
					p.result = fmt.Sprintf("Echo'ed message type differs from what I sent (got binary %v, expected binary %v).", binary, d.binary)
					p.sendClose(closeNormal, "")
				case got != size:
					p.behavior = vFailed
					p.result = fmt.Sprintf("Echo'ed message length differs from what I sent (got length %d, expected length %d).", got, size)
					p.sendClose(closeNormal, "")
				case !bytes.Equal(data, want):
					p.behavior = vFailed
					p.result = "Echo'ed message contents differs from what I sent."
					p.sendClose(closeNormal, "")
				case n < count:
					sendOne()
				default:
					p.behavior = vOK
					p.result = "Ok, received all echo'ed messages in time."
					p.sendClose(closeNormal, "")
				}
			}
			sendOne()
		},
	}
}

// cutMessage takes the next size octets (code points for text) of the
// dataset from *ptr on, wrapping around (Autobahn's sendOne).
func cutMessage(d *dataset, ptr *int, size int) []byte {
	if size == 0 {
		return []byte{}
	}
	if d.binary {
		from, to := *ptr, (*ptr+size)%len(d.data)
		*ptr = to
		if to > from {
			return append([]byte(nil), d.data[from:to]...)
		}
		return append(append([]byte(nil), d.data[from:]...), d.data[:to]...)
	}
	n := len(d.runes) - 1 // code points
	from, to := *ptr, (*ptr+size)%n
	*ptr = to
	a, b := d.runes[from], d.runes[to]
	if to > from {
		return append([]byte(nil), d.data[a:b]...)
	}
	return append(append([]byte(nil), d.data[a:]...), d.data[:b]...)
}

// --- the stand-in datasets ---

var (
	firstNames = []string{"Anna", "Björn", "Chloé", "David", "Elif", "François", "Greta", "Hiroshi", "Inés", "Jürgen", "Karin", "Luis", "Maja", "Noël", "Oskar", "Paula"}
	lastNames  = []string{"Müller", "Schmidt", "García", "Dubois", "Rossi", "Nowak", "Jensen", "Łukasz", "Öztürk", "Smith", "Kowalski", "Fernández"}
	cities     = []string{"Zürich", "München", "Kraków", "São Paulo", "Malmö", "Reykjavík", "Berlin", "Lyon", "Porto", "Graz"}
	lorem      = strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat")
	german     = strings.Fields("Habe nun ach Philosophie Juristerei und Medizin und leider auch Theologie durchaus studiert mit heißem Bemühn da steh ich nun ich armer Tor und bin so klug als wie zuvor heiße Magister heiße Doktor gar und ziehe schon an die zehen Jahr herauf herab und quer und krumm meine Schüler an der Nase herum und sehe daß wir nichts wissen können das will mir schier das Herz verbrennen Geist Welt Nacht Mond Gretchen Straße Brücke")
	speakers   = []string{"FAUST", "MEPHISTOPHELES", "WAGNER", "MARGARETE", "MARTHE", "CHOR"}
)

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

func words(r *rand.Rand, vocab []string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = pick(r, vocab)
	}
	return strings.Join(w, " ")
}

// fit cuts or pads b to size octets; text is cut on a code point.
func fit(b []byte, size int, pad byte) []byte {
	if len(b) > size {
		b = b[:size]
		if pad != 0 {
			for len(b) > 0 && !utf8.RuneStart(b[len(b)-1]) {
				b = b[:len(b)-1]
			}
			if len(b) > 0 && b[len(b)-1] >= 0x80 {
				b = b[:len(b)-1] // a lead octet whose rune was cut
			}
		}
	}
	for len(b) < size {
		b = append(b, pad)
	}
	return b
}

func genJSON(r *rand.Rand, size int) []byte {
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; b.Len() < size; i++ {
		name := pick(r, firstNames) + " " + pick(r, lastNames)
		fmt.Fprintf(&b, `  {"_id": "%016x", "index": %d, "isActive": %v, "balance": "$%d,%03d.%02d", "age": %d, "name": %q, "email": "%s@example.org", "city": %q, "about": %q, "tags": [%q, %q, %q], "latitude": %.6f, "longitude": %.6f, "greeting": "Hello, %s! You have %d unread messages."},`+"\n",
			r.Uint64(), i, r.IntN(2) == 0, r.IntN(10), r.IntN(1000), r.IntN(100), 18+r.IntN(60), name,
			strings.ToLower(pick(r, lorem)), pick(r, cities), words(r, lorem, 12+r.IntN(20)),
			pick(r, lorem), pick(r, lorem), pick(r, lorem), r.Float64()*180-90, r.Float64()*360-180, name, r.IntN(20))
	}
	return fit([]byte(b.String()), size, ' ')
}

func genHTML(r *rand.Rand, size int) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Data</title></head>\n<body>\n<table class=\"data\">\n")
	for i := 0; b.Len() < size; i++ {
		if i%40 == 0 {
			fmt.Fprintf(&b, "<h2 id=\"s%d\">%s</h2>\n<p>%s</p>\n", i, words(r, lorem, 4), words(r, lorem, 40))
		}
		fmt.Fprintf(&b, "<tr class=\"row%d\"><td><a href=\"/item/%d\">%s</a></td><td>%s</td><td style=\"text-align:right\">%d.%02d €</td></tr>\n",
			i%2, r.IntN(100000), pick(r, firstNames)+" "+pick(r, lastNames), pick(r, cities), r.IntN(1000), r.IntN(100))
	}
	return fit([]byte(b.String()), size, ' ')
}

func genVerse(r *rand.Rand, size int) []byte {
	var b strings.Builder
	for b.Len() < size {
		fmt.Fprintf(&b, "\n%s:\n", pick(r, speakers))
		for l := 0; l < 2+r.IntN(8); l++ {
			fmt.Fprintf(&b, "%s,\n", words(r, german, 4+r.IntN(5)))
		}
	}
	return fit([]byte(b.String()), size, '\n')
}

// genBitmap is a 512x512 8-bit grey BMP: header, palette, then a smooth
// picture with some noise, like a photograph's.
func genBitmap(r *rand.Rand, size int) []byte {
	b := make([]byte, 0, size)
	le32 := func(v int) { b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	b = append(b, 'B', 'M')
	le32(size)
	le32(0)
	le32(54 + 1024)
	le32(40)
	le32(512)
	le32(512)
	b = append(b, 1, 0, 8, 0)
	le32(0)
	le32(512 * 512)
	le32(2835)
	le32(2835)
	le32(256)
	le32(0)
	for i := 0; i < 256; i++ {
		b = append(b, byte(i), byte(i), byte(i), 0)
	}
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			v := 128 + 60*math.Sin(float64(x)/37) + 50*math.Cos(float64(y)/23+float64(x)/91) + float64(r.IntN(16))
			b = append(b, byte(max(0, min(255, int(v)))))
		}
	}
	return fit(b, size, 0)
}

// genPDF is mostly compressed streams (incompressible) between plain
// PDF object syntax.
func genPDF(r *rand.Rand, size int) []byte {
	b := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	for obj := 1; len(b) < size; obj++ {
		n := 2000 + r.IntN(30000)
		b = fmt.Appendf(b, "%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", obj, n)
		for i := 0; i < n; i++ {
			b = append(b, byte(r.Uint32()))
		}
		b = fmt.Appendf(b, "\nendstream\nendobj\n%d 0 obj\n<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 %d 0 R >> >> /MediaBox [0 0 612 792] >>\nendobj\n", obj+1000, obj+2000)
	}
	return fit(b, size, 0)
}
