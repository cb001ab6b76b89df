package main

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// endpoint is where a target's ws clients connect.
type endpoint struct {
	addr  string
	tls   bool
	proto string
	path  string
}

func (e endpoint) withPath(p string) endpoint {
	e.path = p
	return e
}

func (e endpoint) url() string {
	scheme := "ws"
	if e.tls {
		scheme = "wss"
	}
	return scheme + "://" + e.addr + e.path
}

// wsClient is a dialled connection and its TCP socket underneath (for
// SO_LINGER 0 resets and raw frames below TLS).
type wsClient struct {
	ws   *websocket.Conn
	tcp  *net.TCPConn
	resp *http.Response
}

// loopCap bounds the count of every loop that otherwise ends with its
// connection or the run's stop.
const loopCap = 1 << 32

// observerReadLimit bounds what a well-behaved client accepts in one
// message: more than the core's 16 MB read limit means something went
// wrong (a deflate bomb passed on), and reading it would bloat wsbench.
const observerReadLimit = 32 << 20

// dial upgrades a connection to the endpoint. compress offers
// permessage-deflate.
func (e endpoint) dial(compress bool) (*wsClient, error) {
	var tcp *net.TCPConn
	d := websocket.Dialer{
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
			if err == nil {
				tcp = c.(*net.TCPConn)
			}
			return c, err
		},
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, // the examples' self-signed localhost certificate
		HandshakeTimeout:  10 * time.Second,
		EnableCompression: compress,
		ReadBufferSize:    4096,
		WriteBufferSize:   4096,
	}
	if e.proto != "" {
		d.Subprotocols = []string{e.proto}
	}
	ws, resp, err := d.Dial(e.url(), nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: %w (HTTP %d)", e.url(), err, resp.StatusCode)
		}
		return nil, fmt.Errorf("dial %s: %w", e.url(), err)
	}
	ws.SetReadLimit(observerReadLimit)
	return &wsClient{ws: ws, tcp: tcp, resp: resp}, nil
}

// reset ends the connection with an RST (SO_LINGER 0), under TLS too.
func (c *wsClient) reset() {
	_ = c.tcp.SetLinger(0)
	_ = c.tcp.Close()
}

// fin closes the socket without a ws close frame (nor a TLS close_notify).
func (c *wsClient) fin() {
	_ = c.tcp.Close()
}

// closeClean runs the ws close handshake, waiting up to wait for the
// server's answer, then closes.
func (c *wsClient) closeClean(wait time.Duration) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(wait))
	_ = c.ws.SetReadDeadline(time.Now().Add(wait))
	for i := 0; i < 1000; i++ { // a close frame, or the end, comes after at most what was in flight
		if _, _, err := c.ws.NextReader(); err != nil {
			break
		}
	}
	_ = c.ws.Close()
}

// Stamped messages: "<source> <seq> <crc32 hex> <padding>". The CRC covers
// source, sequence and padding, so a message cut short, or glued together
// from two connections' pieces, is seen.

func stamp(src string, seq uint64, size int) []byte {
	head := src + " " + strconv.FormatUint(seq, 10) + " "
	padLen := max(0, size-len(head)-9)
	pad := make([]byte, padLen)
	for i := range pad {
		pad[i] = byte('a' + (seq+uint64(i))%26)
	}
	crc := crc32.ChecksumIEEE(append([]byte(head), pad...))
	return append([]byte(fmt.Sprintf("%s%08x ", head, crc)), pad...)
}

// parseStamp checks a stamped message and returns its source and sequence.
func parseStamp(b []byte) (src string, seq uint64, ok bool) {
	f := strings.SplitN(string(b), " ", 4)
	if len(f) != 4 {
		return "", 0, false
	}
	seq, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return "", 0, false
	}
	want, err := strconv.ParseUint(f[2], 16, 32)
	if err != nil {
		return "", 0, false
	}
	if crc32.ChecksumIEEE([]byte(f[0]+" "+f[1]+" "+f[3])) != uint32(want) {
		return "", 0, false
	}
	return f[0], seq, true
}

// checker judges the messages one well-behaved client receives; it
// returns false for a message that should not have come (garbled, from
// nowhere, or out of order).
type checker interface {
	check(msg []byte) bool
}

// stampChecker: every message is stamped, and each source's sequence
// only grows (a chat may skip messages, never repeat or reorder them).
type stampChecker struct{ last map[string]uint64 }

func (c *stampChecker) check(msg []byte) bool {
	src, seq, ok := parseStamp(msg)
	if !ok {
		return false
	}
	if last, seen := c.last[src]; seen && seq <= last {
		return false
	}
	c.last[src] = seq
	return true
}

// counterChecker: numbers that only grow.
type counterChecker struct {
	last int64
	seen bool
}

func (c *counterChecker) check(msg []byte) bool {
	n, err := strconv.ParseInt(string(msg), 10, 64)
	if err != nil || (c.seen && n <= c.last) {
		return false
	}
	c.last, c.seen = n, true
	return true
}

var feedLine = regexp.MustCompile(`^[^:]*: tid: (\d+), msg: (\d+)$`)

// feedChecker: minimal-ws-server-threads' lines, each thread's count
// growing.
type feedChecker struct{ last map[string]int64 }

func (c *feedChecker) check(msg []byte) bool {
	m := feedLine.FindSubmatch(msg)
	if m == nil {
		return false
	}
	n, _ := strconv.ParseInt(string(m[2]), 10, 64)
	if last, seen := c.last[string(m[1])]; seen && n <= last {
		return false
	}
	c.last[string(m[1])] = n
	return true
}

type anyChecker struct{}

func (anyChecker) check([]byte) bool { return true }

func newChecker(k kind) checker {
	switch k {
	case kindChat, kindBroker:
		return &stampChecker{last: map[string]uint64{}}
	case kindCounter:
		return &counterChecker{}
	case kindFeed:
		return &feedChecker{last: map[string]int64{}}
	}
	return anyChecker{}
}

// obsStats is what the well-behaved clients saw.
type obsStats struct {
	pings, pongs, unanswered atomic.Int64 // pings, and those not answered within the answer timeout
	maxRTT                   atomic.Int64 // ns, pings and echoes
	echoes, echoLate         atomic.Int64 // echo round trips, and echoes later than the answer timeout
	msgs                     atomic.Int64 // messages received and checked
	wrong                    atomic.Int64 // an echo of another connection's message
	garbled                  atomic.Int64 // a message that failed its check
	drops                    atomic.Int64 // well-behaved connections lost before the end
	dialErrs                 atomic.Int64
	firstErr                 atomic.Value // string
}

func (s *obsStats) noteRTT(d time.Duration) {
	for range 1000 { // a compare-and-swap loop: retried only while others win
		cur := s.maxRTT.Load()
		if int64(d) <= cur || s.maxRTT.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

func (s *obsStats) noteErr(err error) {
	s.firstErr.CompareAndSwap(nil, err.Error())
}

// observerCfg sizes the well-behaved clients.
type observerCfg struct {
	kind          kind
	ep            endpoint
	readers       int           // clients that only read (chat, broker, feeds)
	echoers       int           // echo clients with their own payloads (echo servers)
	pingEvery     time.Duration // the prober's ping interval
	sendEvery     time.Duration // the chat broadcaster's and each echoer's pace
	answerTimeout time.Duration
}

// observers are the well-behaved clients of one run: a prober that pings
// (and reads and checks what it is sent), readers, a broadcaster for
// chats and brokers, echoers for echo servers.
type observers struct {
	cfg     observerCfg
	st      obsStats
	stopc   chan struct{}
	stopped atomic.Bool
	senders sync.WaitGroup // goroutines that write
	readers sync.WaitGroup // goroutines that read
	mu      sync.Mutex
	clients []*wsClient
}

func startObservers(cfg observerCfg) (*observers, error) {
	o := &observers{cfg: cfg, stopc: make(chan struct{})}
	if err := o.prober(); err != nil {
		o.stop()
		return nil, err
	}
	for i := 0; i < cfg.readers && cfg.kind != kindEcho; i++ {
		c, err := o.dial(cfg.ep)
		if err != nil {
			o.stop()
			return nil, err
		}
		o.reader(c, newChecker(cfg.kind))
	}
	switch cfg.kind {
	case kindChat, kindBroker:
		ep := cfg.ep
		if cfg.kind == kindBroker {
			ep = ep.withPath("/publisher")
		}
		c, err := o.dial(ep)
		if err != nil {
			o.stop()
			return nil, err
		}
		if cfg.kind == kindChat {
			o.reader(c, newChecker(cfg.kind)) // the chat sends it its own messages too
		}
		o.broadcaster(c)
	case kindEcho:
		for i := 0; i < cfg.echoers; i++ {
			c, err := o.dial(cfg.ep)
			if err != nil {
				o.stop()
				return nil, err
			}
			o.echoer(c, "e"+strconv.Itoa(i))
		}
	}
	return o, nil
}

func (o *observers) dial(ep endpoint) (*wsClient, error) {
	c, err := ep.dial(false)
	if err != nil {
		o.st.dialErrs.Add(1)
		return nil, fmt.Errorf("well-behaved client: %w", err)
	}
	o.mu.Lock()
	o.clients = append(o.clients, c)
	o.mu.Unlock()
	return c, nil
}

// lost counts a well-behaved connection that failed before the end.
func (o *observers) lost(err error) {
	if o.stopped.Load() {
		return
	}
	o.st.drops.Add(1)
	o.st.noteErr(err)
}

// reader reads and checks every message until the connection ends.
func (o *observers) reader(c *wsClient, ck checker) {
	o.readers.Add(1)
	go func() {
		defer o.readers.Done()
		for range loopCap {
			_, msg, err := c.ws.ReadMessage()
			if err != nil {
				o.lost(err)
				return
			}
			o.st.msgs.Add(1)
			if !ck.check(msg) {
				o.st.garbled.Add(1)
				o.st.noteErr(fmt.Errorf("unexpected message %.60q", msg))
			}
		}
	}()
}

// prober pings every pingEvery; a pong later than answerTimeout, or none,
// is an unanswered ping. It reads (and checks) what the server sends.
func (o *observers) prober() error {
	c, err := o.dial(o.cfg.ep)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	pending := map[uint64]time.Time{}
	c.ws.SetPongHandler(func(s string) error {
		if len(s) != 8 {
			return nil
		}
		seq := binary.BigEndian.Uint64([]byte(s))
		mu.Lock()
		sent, ok := pending[seq]
		delete(pending, seq)
		mu.Unlock()
		if !ok {
			return nil
		}
		rtt := time.Since(sent)
		o.st.noteRTT(rtt)
		if rtt > o.cfg.answerTimeout {
			o.st.unanswered.Add(1)
		} else {
			o.st.pongs.Add(1)
		}
		return nil
	})
	var ck checker = anyChecker{}
	if o.cfg.kind != kindEcho {
		ck = newChecker(o.cfg.kind)
	}
	o.reader(c, ck)
	o.senders.Add(1)
	go func() {
		defer o.senders.Done()
		// At the end, give the last pings their answer time, then count
		// what is still waiting.
		defer func() {
			deadline := time.Now().Add(o.cfg.answerTimeout)
			for time.Now().Before(deadline) {
				mu.Lock()
				n := len(pending)
				mu.Unlock()
				if n == 0 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			mu.Lock()
			o.st.unanswered.Add(int64(len(pending)))
			clear(pending)
			mu.Unlock()
		}()
		t := time.NewTicker(o.cfg.pingEvery)
		defer t.Stop()
		var b [8]byte
		for seq := uint64(1); seq < loopCap; seq++ {
			select {
			case <-o.stopc:
				return
			case <-t.C:
			}
			binary.BigEndian.PutUint64(b[:], seq)
			mu.Lock()
			pending[seq] = time.Now()
			mu.Unlock()
			o.st.pings.Add(1)
			if err := c.ws.WriteControl(websocket.PingMessage, b[:], time.Now().Add(o.cfg.answerTimeout)); err != nil {
				o.lost(err)
				<-o.stopc
				return
			}
		}
	}()
	return nil
}

// broadcaster sends a stamped message every sendEvery.
func (o *observers) broadcaster(c *wsClient) {
	o.senders.Add(1)
	go func() {
		defer o.senders.Done()
		t := time.NewTicker(o.cfg.sendEvery)
		defer t.Stop()
		for seq := uint64(1); seq < loopCap; seq++ {
			select {
			case <-o.stopc:
				return
			case <-t.C:
			}
			_ = c.ws.SetWriteDeadline(time.Now().Add(o.cfg.answerTimeout))
			if err := c.ws.WriteMessage(websocket.TextMessage, stamp("b", seq, 256)); err != nil {
				o.lost(err)
				return
			}
		}
	}()
}

// echoer sends its own stamped messages, one at a time, and checks that
// exactly each one comes back: another connection's message is a wrong
// one.
func (o *observers) echoer(c *wsClient, src string) {
	got := make(chan []byte)
	o.readers.Add(1)
	go func() {
		defer o.readers.Done()
		for range loopCap {
			_, msg, err := c.ws.ReadMessage()
			if err != nil {
				o.lost(err)
				close(got)
				return
			}
			select {
			case got <- msg:
			case <-o.stopc:
				return
			}
		}
	}()
	o.senders.Add(1)
	go func() {
		defer o.senders.Done()
		t := time.NewTicker(o.cfg.sendEvery)
		defer t.Stop()
		for seq := uint64(1); seq < loopCap; seq++ {
			select {
			case <-o.stopc:
				return
			case <-t.C:
			}
			msg := stamp(src, seq, 100)
			sent := time.Now()
			_ = c.ws.SetWriteDeadline(sent.Add(o.cfg.answerTimeout))
			if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
				o.lost(err)
				return
			}
			late := time.NewTimer(o.cfg.answerTimeout)
			var back []byte
			var ok bool
			select {
			case back, ok = <-got:
			case <-late.C:
				o.st.echoLate.Add(1)
				select { // still wait for it: it may only be slow
				case back, ok = <-got:
				case <-o.stopc:
					return
				}
			case <-o.stopc:
				late.Stop()
				return
			}
			late.Stop()
			if !ok {
				return
			}
			o.st.noteRTT(time.Since(sent))
			o.st.echoes.Add(1)
			o.st.msgs.Add(1)
			if string(back) == string(msg) {
				continue
			}
			if s, _, valid := parseStamp(back); valid && s != src {
				o.st.wrong.Add(1)
				o.st.noteErr(fmt.Errorf("%s got %s's message", src, s))
			} else {
				o.st.garbled.Add(1)
				o.st.noteErr(fmt.Errorf("%s sent %.40q, got back %.40q", src, msg, back))
			}
		}
	}()
}

// stop ends the well-behaved clients and returns what they saw: the
// senders stop (the prober after its last pings' answer time), every
// connection sends a close frame, the readers get the server's answer,
// and whatever is left after a few seconds is closed.
func (o *observers) stop() *obsStats {
	if o.stopped.Swap(true) {
		return &o.st
	}
	close(o.stopc)
	o.senders.Wait()
	o.mu.Lock()
	clients := append([]*wsClient(nil), o.clients...)
	o.mu.Unlock()
	for _, c := range clients {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	}
	done := make(chan struct{})
	go func() { o.readers.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
	}
	for _, c := range clients {
		c.fin()
	}
	<-done
	return &o.st
}
