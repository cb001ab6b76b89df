// Command wsfuzz is a small stand-in for Autobahn's wstest, the peer of the
// workspace's echo examples, so they can be tried with nothing but Go:
//
//	go run ./tools/wsfuzz &      # fuzzing server on 127.0.0.1:9001, as wstest -m fuzzingserver
//	go run ./ws-client/minimal-ws-client-echo -s 127.0.0.1 -p 9001 -u "/runCase?case=1&agent=lws-go" -o
//
//	go run ./ws-server/minimal-ws-server-echo &
//	go run ./tools/wsfuzz --client ws://localhost:7681/     # as wstest -m fuzzingclient
//
// As a server it speaks the fuzzing server's URL API: a ws connection to
// /getCaseCount receives the number of cases, one to /runCase?case=N&agent=A
// runs case N (the server sends, the client must echo every message with its
// type), one to /updateReports?agent=A logs how agent A did. As a client it
// runs the cases (all, or --case N) against an echo server and exits 0 only
// if every echo came back. The cases are a handful, not Autobahn's
// hundreds: text, binary, empty, fragmented, a 300 KB message, multi-byte
// UTF-8, a ping, a hundred messages in flight; permessage-deflate is used
// whenever the peer offers or accepts it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

var switches = cmdline.Switches{
	cmdline.Port(9001),
	{Name: "--client", Kind: cmdline.String, Arg: "ws-url", Help: "run the cases against the echo server at this URL instead of serving"},
	{Name: "--case", Kind: cmdline.Int, Arg: "n", Help: "with --client: only case n (default: every case)", Min: 1, Max: len(cases)},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// errFailed is the client's failure: a case did not pass.
var errFailed = errors.New("wsfuzz: not every case passed")

// run serves, or with --client tests a server. ready, if set, gets the
// address the server listens on.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(net.Addr)) error {
	log := logs.New(logOut, o.LogLevel())
	if o.Has("--client") {
		return fuzzingClient(ctx, log, o.String("--client"), o.Int("--case"))
	}
	return fuzzingServer(ctx, log, o.Int("--port"), ready)
}

// fuzzingClient runs the cases, or case only, against url.
func fuzzingClient(ctx context.Context, log *slog.Logger, url string, only int) error {
	failed := 0
	for n, c := range cases {
		if only != 0 && n+1 != only {
			continue
		}
		d := websocket.Dialer{WriteBufferSize: c.bufSize, EnableCompression: true, HandshakeTimeout: 10 * time.Second}
		ws, _, err := d.DialContext(ctx, url, nil)
		if err == nil {
			err = c.play(ws)
			ws.Close()
		}
		if err != nil {
			failed++
			logs.Errf(log, "case %d (%s): FAILED: %v", n+1, c.name, err)
			continue
		}
		logs.Userf(log, "case %d (%s): OK", n+1, c.name)
	}
	if failed > 0 {
		return errFailed
	}
	return nil
}

// results are the fuzzing server's outcomes per agent and case.
type results struct {
	mu  sync.Mutex
	got map[string]map[int]error
	// running counts the cases still being played: a client may close and
	// ask for the next case (or the report) before this side has finished
	// with the last one.
	running sync.WaitGroup
}

func (r *results) set(agent string, n int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got[agent] == nil {
		r.got[agent] = map[int]error{}
	}
	r.got[agent][n] = err
}

// summary says how agent did, once the cases under way have finished
// (within 10 s).
func (r *results) summary(agent string) string {
	done := make(chan struct{})
	go func() { r.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ok := 0
	for _, err := range r.got[agent] {
		if err == nil {
			ok++
		}
	}
	return fmt.Sprintf("agent %s: %d of %d cases OK (%d run)", agent, ok, len(cases), len(r.got[agent]))
}

// fuzzingServer serves the fuzzing server's URL API on 127.0.0.1:port
// until ctx ends.
func fuzzingServer(ctx context.Context, log *slog.Logger, port int, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("wsfuzz: %w", err)
	}
	res := &results{got: map[string]map[int]error{}}
	upgrade := func(w http.ResponseWriter, r *http.Request, bufSize int) *websocket.Conn {
		up := websocket.Upgrader{WriteBufferSize: bufSize, EnableCompression: true, CheckOrigin: func(*http.Request) bool { return true }}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			logs.Errf(log, "%s: %v", r.URL.Path, err)
			return nil
		}
		return ws
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/getCaseCount", func(w http.ResponseWriter, r *http.Request) {
		if ws := upgrade(w, r, 4096); ws != nil {
			defer ws.Close()
			_ = ws.WriteMessage(websocket.TextMessage, []byte(strconv.Itoa(len(cases))))
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		}
	})
	mux.HandleFunc("/runCase", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("case"))
		if err != nil || n < 1 || n > len(cases) {
			http.Error(w, fmt.Sprintf("case must be 1 to %d", len(cases)), http.StatusNotFound)
			return
		}
		agent, c := r.URL.Query().Get("agent"), cases[n-1]
		res.running.Add(1)
		defer res.running.Done()
		ws := upgrade(w, r, c.bufSize)
		if ws == nil {
			return
		}
		defer ws.Close()
		err = c.play(ws)
		res.set(agent, n, err)
		if err != nil {
			logs.Errf(log, "case %d (%s), agent %s: FAILED: %v", n, c.name, agent, err)
			return
		}
		logs.Userf(log, "case %d (%s), agent %s: OK", n, c.name, agent)
	})
	mux.HandleFunc("/updateReports", func(w http.ResponseWriter, r *http.Request) {
		if ws := upgrade(w, r, 4096); ws != nil {
			defer ws.Close()
			logs.Userf(log, "%s", res.summary(r.URL.Query().Get("agent")))
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	logs.Userf(log, "wsfuzz fuzzing server on ws://%s: %d cases", ln.Addr(), len(cases))
	if ready != nil {
		ready(ln.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("wsfuzz: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("wsfuzz: shutdown: %w", err)
	}
	<-done
	return nil
}
