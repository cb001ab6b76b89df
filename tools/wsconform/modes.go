package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// --- fuzzingclient: the harness connects to a server under test ---

// runClientCase runs one case as the client against the ws server at addr.
func runClientCase(addr string, spec *caseSpec) *result {
	nc, pp, rest, err := clientHandshake(addr, "/", spec.offers)
	if err != nil {
		return notRun(spec, fmt.Sprintf("opening handshake: %v", err))
	}
	p := newFuzzConn(nc, false, spec)
	if pp != nil {
		p.pmd = newPMD(false, *pp)
		p.notes = answerNotes(spec.offers, *pp)
	}
	p.run(rest, spec.wait)
	return resultOf(p)
}

// forEach runs fn for every case, parallel at a time, and collects the
// results by case id.
func forEach(cases []*caseSpec, parallel int, progress func(*result), fn func(i int, c *caseSpec) *result) map[string]*result {
	out := map[string]*result{}
	var mu sync.Mutex
	sem := make(chan struct{}, max(1, parallel))
	var wg sync.WaitGroup
	for i, c := range cases {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := fn(i, c)
			mu.Lock()
			out[c.id] = r
			mu.Unlock()
			if progress != nil {
				progress(r)
			}
		}()
	}
	wg.Wait()
	return out
}

func fuzzingClient(impls []*impl, cases []*caseSpec, parallel int, progress func(string, *result)) (*sideResults, error) {
	s := &sideResults{mode: "fuzzingclient", title: "fuzzingclient: the harness as client, against the servers",
		results: map[string]map[string]*result{}}
	for _, im := range impls {
		addr, stop, err := im.serve()
		if err != nil {
			return nil, fmt.Errorf("%s server: %w", im.name, err)
		}
		s.impls = append(s.impls, im.name)
		s.results[im.name] = forEach(cases, parallel, func(r *result) { progress(im.name, r) }, func(_ int, c *caseSpec) *result {
			return runClientCase(addr, c)
		})
		stop()
	}
	return s, nil
}

// --- fuzzingserver: clients under test connect to the harness ---

// fuzzServer is Autobahn's fuzzing server: /runCase?case=N&agent=X runs
// case N (1-based, in the order of its case list) against whoever
// connected, /getCaseCount, /getCaseInfo?case=N and
// /getCaseStatus?case=N&agent=X answer with JSON text messages, and
// /updateReports writes the reports.
type fuzzServer struct {
	ln      net.Listener
	cases   []*caseSpec
	report  func() error
	mu      sync.Mutex
	results map[string]map[string]*result // agent → case id → result
	waiters map[string][]chan *result     // agent + " " + case id
	opened  map[string]bool
	wg      sync.WaitGroup
}

func newFuzzServer(addr string, cases []*caseSpec) (*fuzzServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fuzzing server: %w", err)
	}
	s := &fuzzServer{ln: ln, cases: cases, results: map[string]map[string]*result{},
		waiters: map[string][]chan *result{}, opened: map[string]bool{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

func (s *fuzzServer) url() string { return "ws://" + s.ln.Addr().String() }

func (s *fuzzServer) close() {
	s.ln.Close()
	s.wg.Wait()
}

func (s *fuzzServer) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(nc)
		}()
	}
}

func key(agent, id string) string { return agent + " " + id }

// waitFor returns a channel that gets the result of case id for agent.
func (s *fuzzServer) waitFor(agent, id string) <-chan *result {
	ch := make(chan *result, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.results[agent][id]; r != nil {
		ch <- r
		return ch
	}
	s.waiters[key(agent, id)] = append(s.waiters[key(agent, id)], ch)
	return ch
}

func (s *fuzzServer) record(agent string, r *result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.results[agent] == nil {
		s.results[agent] = map[string]*result{}
	}
	s.results[agent][r.id] = r
	for _, ch := range s.waiters[key(agent, r.id)] {
		ch <- r
	}
	delete(s.waiters, key(agent, r.id))
}

func (s *fuzzServer) wasOpened(agent, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened[key(agent, id)]
}

func (s *fuzzServer) caseAt(q url.Values) (*caseSpec, error) {
	n, err := strconv.Atoi(q.Get("case"))
	if err != nil || n < 1 || n > len(s.cases) {
		return nil, fmt.Errorf("case %q not found (1 to %d)", q.Get("case"), len(s.cases))
	}
	return s.cases[n-1], nil
}

func (s *fuzzServer) handle(nc net.Conn) {
	req, br, err := serverHandshake(nc)
	if err != nil {
		return
	}
	q := req.URL.Query()
	agent := q.Get("agent")
	switch req.URL.Path {
	case "/runCase":
		spec, err := s.caseAt(q)
		if err == nil && agent == "" {
			err = errors.New("need agent to run case")
		}
		if err != nil {
			refuse(nc, err)
			return
		}
		ext, pp := negotiate(req, spec.accept)
		if err := accept101(nc, req, ext); err != nil {
			nc.Close()
			return
		}
		s.mu.Lock()
		s.opened[key(agent, spec.id)] = true
		s.mu.Unlock()
		p := newFuzzConn(nc, true, spec)
		if pp != nil {
			p.pmd = newPMD(true, *pp)
		}
		p.run(buffered(br), spec.wait)
		s.record(agent, resultOf(p))
	case "/getCaseCount":
		s.answer(nc, req, br, func() any { return len(s.cases) })
	case "/getCaseInfo":
		spec, err := s.caseAt(q)
		if err != nil {
			refuse(nc, err)
			return
		}
		s.answer(nc, req, br, func() any { return map[string]string{"id": spec.id, "description": spec.desc} })
	case "/getCaseStatus":
		spec, err := s.caseAt(q)
		if err != nil {
			refuse(nc, err)
			return
		}
		r := <-s.waitFor(agent, spec.id)
		s.answer(nc, req, br, func() any { return map[string]string{"behavior": r.behavior} })
	case "/updateReports":
		if s.report != nil {
			if err := s.report(); err != nil {
				log.Printf("wsconform: %v", err)
			}
		}
		s.answer(nc, req, br, nil)
	default:
		refuse(nc, fmt.Errorf("no such path %s", req.URL.Path))
	}
}

// answer opens the connection, sends what value returns as a JSON text
// message (nothing if value is nil) and closes.
func (s *fuzzServer) answer(nc net.Conn, req *http.Request, br *bufio.Reader, value func() any) {
	if err := accept101(nc, req, ""); err != nil {
		nc.Close()
		return
	}
	spec := &caseSpec{id: "command", open: func(p *fuzzConn) {
		p.expectClose = closeExpect{closedByMe: true, codes: []int{closeNormal}}
		if value != nil {
			b, _ := json.Marshal(value())
			p.sendMessage(b, false, 0)
		}
		p.sendClose(closeNormal, "")
	}}
	p := newFuzzConn(nc, true, spec)
	p.run(buffered(br), 10*time.Second)
}

// runServerCase runs the client im against case n of the fuzzing server
// and returns what the server made of it.
func (s *fuzzServer) runServerCase(im *impl, n int, spec *caseSpec) *result {
	got := s.waitFor(im.agent, spec.id)
	ctx, cancel := context.WithTimeout(context.Background(), spec.wait+10*time.Second)
	defer cancel()
	exited := make(chan error, 1)
	u := fmt.Sprintf("%s/runCase?case=%d&agent=%s", s.url(), n, url.QueryEscape(im.agent))
	go func() { exited <- im.dial(ctx, u) }()
	var clientErr error
	select {
	case r := <-got:
		// The server judged the case; the client ends with the connection.
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cancel()
			<-exited
		}
		return r
	case clientErr = <-exited:
	case <-ctx.Done():
		clientErr = <-exited
	}
	// The client is gone: if it opened the case, the server judges it as
	// soon as it sees the connection close.
	wait := 3 * time.Second
	if s.wasOpened(im.agent, spec.id) {
		wait = spec.wait + 5*time.Second
	}
	select {
	case r := <-got:
		return r
	case <-time.After(wait):
	}
	why := "the client never opened the case"
	if clientErr != nil {
		why += ": " + clientErr.Error()
	}
	return notRun(spec, why)
}

func fuzzingServer(impls []*impl, cases []*caseSpec, parallel int, progress func(string, *result)) (*sideResults, error) {
	srv, err := newFuzzServer("127.0.0.1:0", cases)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	s := &sideResults{mode: "fuzzingserver", title: "fuzzingserver: the harness as server, against the clients",
		results: map[string]map[string]*result{}}
	for _, im := range impls {
		s.impls = append(s.impls, im.name)
		s.results[im.name] = forEach(cases, parallel, func(r *result) { progress(im.name, r) }, func(i int, c *caseSpec) *result {
			return srv.runServerCase(im, i+1, c)
		})
	}
	return s, nil
}
