// Command api-test-lws_sequencer is lws's api-test-lws_sequencer in Go,
// on the core's seq package (lws_seq_*): a sequencer drives five HTTP
// client steps, one after the other, each with a 3 s step timeout:
//
//  1. GET /index.html and 2. GET /lws.css must complete;
//  3. GET /404.html must complete (with a 404);
//  4. a server that accepts and never answers must hit the step timeout;
//  5. a port nothing listens on must fail to connect.
//
// lws's test goes to libwebsockets.org (and its port 22, and a name that
// does not resolve); this one starts those peers on this machine
// (peers.go). It prints "Completed: PASS" and exits 0 when the sequence
// completes as expected, else "Completed: FAIL" and exit 1.
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
	"github.com/lws-go/lws-go/lws/seq"
)

// switches are lws's: only the builtins.
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// the sequencer's own events (lws's SEQ_MSG_*)
const (
	seqMsgClientFailed = seq.UserBase + iota
	seqMsgClientDone
)

// step is one of lws's url_paths and what it must end in.
type step struct {
	peer   string // "web", "silent" or "closed"
	path   string
	expect string // "done", "timeout" or "fail"
	status int    // for "done": the HTTP status
}

var steps = []step{
	{"web", "/index.html", "done", 200},
	{"web", "/lws.css", "done", 200},
	{"web", "/404.html", "done", 404},
	{"silent", "/", "timeout", 0},
	{"closed", "/", "fail", 0},
}

// stepTimeout is lws's: 3 s for each step.
var stepTimeout = 3 * time.Second

// myseq is lws's struct myseq, the sequencer's user state.
type myseq struct {
	state  int       // which step
	status int       // the current step's HTTP status
	cur    *stepUser // the current step's connection, while attached
	conn   *lws.Conn
	peers  *peers
	vhost  *lws.Vhost
	good   bool
}

var errFail = errors.New("api-test-lws_sequencer: FAIL")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API selftest: lws_sequencer")

	p, err := startPeers(ctx, log)
	if err != nil {
		return err
	}
	defer p.stop()

	s := &myseq{peers: p}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    log,
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{protocolHTTP}},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	s.vhost = c.Vhosts()[0]
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// when the loop starts it gets the CREATED event
	if _, err := seq.New(c, seq.Info{Name: "seq", Callback: s.callback, User: cancel}); err != nil {
		c.Destroy()
		return fmt.Errorf("unable to create sequencer: %w", err)
	}
	if err := c.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if !s.good {
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}

// callback is lws's sequencer_cb: it sees the queued events in order, on
// the loop.
func (s *myseq) callback(sq *seq.Sequencer, event seq.Event, _, _ any) seq.Result {
	log := sq.Context().Logger()
	switch event {
	case seq.Created:
		s.state = 0
		s.start(sq)
	case seq.Destroyed:
		s.detach() // nothing in flight reports to us any more
		sq.User().(context.CancelFunc)()
	case seq.TimedOut:
		if steps[s.state].expect == "timeout" {
			logs.Userf(log, "test %d got expected timeout", s.state+1)
			return s.next(sq)
		}
		logs.Userf(log, "seq timed out at step %d", s.state+1)
		return seq.Destroy
	case seqMsgClientFailed:
		if steps[s.state].expect == "fail" {
			logs.Userf(log, "test %d failed as expected", s.state+1)
			return s.next(sq)
		}
		logs.Userf(log, "seq failed at step %d", s.state+1)
		return seq.Destroy
	case seqMsgClientDone:
		st := steps[s.state]
		if st.expect != "done" || s.status != st.status {
			logs.Userf(log, "seq failed at step %d (resp %d)", s.state+1, s.status)
			return seq.Destroy
		}
		logs.Userf(log, "seq done step %d (resp %d)", s.state+1, s.status)
		return s.next(sq)
	}
	return seq.Continue
}

// next moves to the following step, or completes the sequence.
func (s *myseq) next(sq *seq.Sequencer) seq.Result {
	sq.SetTimeout(0)
	s.detach()
	s.state++
	if s.state == len(steps) {
		logs.Userf(sq.Context().Logger(), "sequence completed OK")
		s.good = true
		return seq.Destroy
	}
	s.start(sq)
	return seq.Continue
}

// start is lws's sequencer_start_client: the step's client connection,
// and the step timer.
func (s *myseq) start(sq *seq.Sequencer) {
	st := steps[s.state]
	port := map[string]int{"web": s.peers.web, "silent": s.peers.silent, "closed": s.peers.closed}[st.peer]
	s.status = 0
	u := &stepUser{s: s, sq: sq}
	conn, err := sq.Context().ClientConnect(lws.ClientConnectInfo{
		Address:           "127.0.0.1",
		Port:              port,
		Path:              st.path,
		Method:            "GET",
		Vhost:             s.vhost,
		LocalProtocolName: protocolHTTP.Name,
		Userdata:          u,
		ALPN:              "http/1.1",
	})
	if err != nil {
		logs.Noticef(sq.Context().Logger(), "connecting to 127.0.0.1:%d%s failed: %v", port, st.path, err)
		sq.QueueEvent(seqMsgClientFailed, nil, nil)
		return
	}
	s.cur, s.conn = u, conn
	sq.SetTimeout(stepTimeout)
	logs.Noticef(sq.Context().Logger(), "connecting to http://127.0.0.1:%d%s", port, st.path)
}

// detach cuts the current connection off from the sequencer and closes it
// if it is still open (the silent peer's, after the timeout).
func (s *myseq) detach() {
	if s.cur != nil {
		s.cur.s = nil
		s.cur = nil
	}
	if s.conn != nil {
		s.conn.SetTimeout(0, lws.TimeoutKillAsync)
		s.conn = nil
	}
}
