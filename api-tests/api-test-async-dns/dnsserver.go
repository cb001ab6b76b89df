package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// zone is what lws's test finds in the public DNS for its names, served
// here by a DNS server on this machine (github.com/miekg/dns).
var zone = map[string][]string{
	"ml.warmcat.com.":                      {"ml.warmcat.com. 300 IN A 46.105.127.147"},
	"libwebsockets.org.":                   {"libwebsockets.org. 300 IN A 46.105.127.147"},
	"ipv4only.warmcat.com.":                {"ipv4only.warmcat.com. 300 IN A 212.83.179.61"},
	"onevalid.bogus.warmcat.com.":          {"onevalid.bogus.warmcat.com. 300 IN TXT \"not an address\"", "onevalid.bogus.warmcat.com. 300 IN A 212.83.179.61"},
	"mail.warmcat.com.":                    {"mail.warmcat.com. 300 IN A 46.105.127.147", "mail.warmcat.com. 300 IN AAAA 2001:bc8:6010:213:208:a2ff:fe0c:72ce"},
	"ipv6only.warmcat.com.":                {"ipv6only.warmcat.com. 300 IN AAAA 2001:bc8:6010:213:208:a2ff:fe0c:72ce"},
	"assets.msn.com.":                      {"assets.msn.com. 300 IN CNAME assets.msn.com.edgekey.net.", "assets.msn.com.edgekey.net. 300 IN CNAME e28578.d.akamaiedge.net.", "e28578.d.akamaiedge.net. 20 IN A 23.50.5.118"},
	"c.msn.com.":                           {"c.msn.com. 300 IN CNAME c-msn-com-nsatc.trafficmanager.net."},
	"mudpuddle.shwaine.com.":               {"mudpuddle.shwaine.com. 300 IN A 174.134.58.54"},
	"awsrealm.majicrealm.com.":             {"awsrealm.majicrealm.com. 300 IN A 35.88.197.177"},
	"lwsbiglongtesthostname.lociterm.com.": {"lwsbiglongtesthostname.lociterm.com. 300 IN A 127.0.0.1"},
	"game.addictmud.org.":                  {"game.addictmud.org. 300 IN A 167.172.227.42"},
	"grow.lociterm.com.":                   {"grow.lociterm.com. 300 IN A 127.0.0.1"},
	"letsgobigorgohome.lociterm.com.":      {"letsgobigorgohome.lociterm.com. 300 IN A 127.0.0.1"},
	"terrafirma.terra.mud.org.":            {"terrafirma.terra.mud.org. 300 IN A 92.205.179.40"},
}

// dnsMode is how the test server answers.
type dnsMode int

const (
	answerZone    dnsMode = iota // lws's names from zone, NXDOMAIN otherwise
	answerGarbage                // bytes that are not a DNS message
	answerNever                  // reads the query, never answers
)

// dnsServer is the DNS peer: UDP and TCP on one 127.0.0.1 port.
type dnsServer struct {
	Addr    string
	mu      sync.Mutex
	queries map[string]int // per qname and type, as "name/A"
	stop    func()
}

func (s *dnsServer) count(q dns.Question) {
	s.mu.Lock()
	s.queries[strings.ToLower(q.Name)+"/"+dns.TypeToString[q.Qtype]]++
	s.mu.Unlock()
}

// Queries is how often the server was asked for name's type.
func (s *dnsServer) Queries(name, qtype string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[name+"./"+qtype]
}

func startDNS(mode dnsMode) (*dnsServer, error) {
	s := &dnsServer{queries: map[string]int{}}
	pc, ln, err := listenUDPAndTCP(mode == answerZone)
	if err != nil {
		return nil, err
	}
	s.Addr = pc.LocalAddr().String()
	var wg sync.WaitGroup
	switch mode {
	case answerZone:
		h := dns.HandlerFunc(s.answer)
		servers := []*dns.Server{{PacketConn: pc, Handler: h}, {Listener: ln, Handler: h}}
		for _, srv := range servers {
			started := make(chan struct{})
			srv.NotifyStartedFunc = func() { close(started) }
			wg.Add(1)
			go func() { defer wg.Done(); _ = srv.ActivateAndServe() }()
			<-started
		}
		s.stop = func() {
			for _, srv := range servers {
				_ = srv.ShutdownContext(context.Background())
			}
			wg.Wait()
		}
	default:
		// a broken peer: UDP only; garbage or silence
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1500)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				var m dns.Msg
				if m.Unpack(buf[:n]) == nil && len(m.Question) > 0 {
					s.count(m.Question[0])
				}
				if mode == answerGarbage {
					// the query's ID and flags, then junk
					junk := append([]byte{buf[0], buf[1], 0x81, 0x80}, []byte("\x00\x01\x00\x07garbage, not a DNS message")...)
					_, _ = pc.WriteTo(junk, from)
				}
			}
		}()
		s.stop = func() { pc.Close(); wg.Wait() }
	}
	return s, nil
}

// answer serves zone: the records of the asked type (following CNAMEs
// within the zone), NXDOMAIN for names it does not have.
func (s *dnsServer) answer(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	s.count(q)
	recs, ok := zone[strings.ToLower(q.Name)]
	if strings.HasSuffix(strings.ToLower(q.Name), ".bench.example.") && q.Qtype == dns.TypeA {
		recs, ok = []string{q.Name + " 300 IN A 127.0.0.1"}, true // for the benchmark
	}
	if !ok {
		m.Rcode = dns.RcodeNameError
		_ = w.WriteMsg(m)
		return
	}
	for _, r := range recs {
		rr, err := dns.NewRR(r)
		if err != nil {
			panic(fmt.Sprintf("zone record %q: %v", r, err))
		}
		t := rr.Header().Rrtype
		if t == q.Qtype || t == dns.TypeCNAME || t == dns.TypeTXT {
			m.Answer = append(m.Answer, rr)
		}
	}
	if err := w.WriteMsg(m); err != nil && !errors.Is(err, net.ErrClosed) {
		return
	}
}

// listenUDPAndTCP binds a free UDP port on 127.0.0.1 and, when withTCP,
// the same TCP port (which another socket may hold: then it tries again).
func listenUDPAndTCP(withTCP bool) (net.PacketConn, net.Listener, error) {
	var last error
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		if !withTCP {
			return pc, nil, nil
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		last = err
	}
	return nil, nil, fmt.Errorf("no port free for both UDP and TCP: %w", last)
}
