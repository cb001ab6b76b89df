package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	coder "github.com/coder/websocket"
	"github.com/gorilla/websocket"
)

// impl is an implementation under test: a server the harness connects to
// (fuzzingclient) and a client the harness runs once per case against its
// fuzzing server (fuzzingserver).
type impl struct {
	name  string // as reported
	agent string // the agent= of /runCase
	ours  bool   // lws-go: a FAILED case fails the run
	serve func() (addr string, stop func(), err error)
	dial  func(ctx context.Context, url string) error
}

// --- lws-go: the examples of this workspace, as processes ---

// lwsBinaries builds (once) the two examples the harness runs.
type lwsBinaries struct {
	server, client string // prebuilt binaries, or empty to build
	once           sync.Once
	dir            string
	err            error
}

// repoRoot is the nearest directory up from the working directory that
// holds go.work.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.work above the working directory: run wsconform inside the lws-go workspace or give -lws-server and -lws-client")
		}
		dir = up
	}
}

func (b *lwsBinaries) build() error {
	b.once.Do(func() {
		if b.server != "" && b.client != "" {
			return
		}
		root, err := repoRoot()
		if err != nil {
			b.err = err
			return
		}
		if b.dir, err = os.MkdirTemp("", "wsconform-bin"); err != nil {
			b.err = fmt.Errorf("temp dir: %w", err)
			return
		}
		for _, t := range []struct {
			dst *string
			pkg string
		}{{&b.server, "./ws-server/minimal-ws-server-echo"}, {&b.client, "./ws-client/minimal-ws-client-echo"}} {
			if *t.dst != "" {
				continue
			}
			out := filepath.Join(b.dir, filepath.Base(t.pkg))
			cmd := exec.Command("go", "build", "-o", out, t.pkg)
			cmd.Dir = root
			if msg, err := cmd.CombinedOutput(); err != nil {
				b.err = fmt.Errorf("build %s: %w\n%s", t.pkg, err, msg)
				return
			}
			*t.dst = out
		}
	})
	return b.err
}

func (b *lwsBinaries) cleanup() {
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
}

// freePort asks the kernel for a port nobody listens on.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last few KB a process wrote.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 8<<10 {
		t.b = append([]byte(nil), t.b[len(t.b)-4<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.b))
}

func lwsImpl(bins *lwsBinaries) *impl {
	return &impl{
		name: "lws-go", agent: "lws-go", ours: true,
		// ws-server/minimal-ws-server-echo with its defaults
		// (permessage-deflate on), on a free port.
		serve: func() (string, func(), error) {
			if err := bins.build(); err != nil {
				return "", nil, err
			}
			port, err := freePort()
			if err != nil {
				return "", nil, err
			}
			cmd := exec.Command(bins.server, "-p", strconv.Itoa(port))
			var logs tailBuffer
			cmd.Stdout, cmd.Stderr = &logs, &logs
			if err := cmd.Start(); err != nil {
				return "", nil, fmt.Errorf("start lws-go echo server: %w", err)
			}
			exited := make(chan struct{})
			go func() { _ = cmd.Wait(); close(exited) }()
			stop := func() {
				_ = cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(5 * time.Second):
					_ = cmd.Process.Kill()
					<-exited
				}
			}
			addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				select {
				case <-exited:
					return "", nil, fmt.Errorf("lws-go echo server exited: %s", logs.String())
				default:
				}
				if c, err := net.Dial("tcp", addr); err == nil {
					c.Close()
					return addr, stop, nil
				}
			}
			stop()
			return "", nil, fmt.Errorf("lws-go echo server did not listen on %s: %s", addr, logs.String())
		},
		// ws-client/minimal-ws-client-echo, as its README runs it against
		// Autobahn's fuzzing server.
		dial: func(ctx context.Context, url string) error {
			if err := bins.build(); err != nil {
				return err
			}
			host, port, path, err := splitWSURL(url)
			if err != nil {
				return err
			}
			cmd := exec.CommandContext(ctx, bins.client, "-s", host, "-p", port, "-u", path, "-o")
			var logs tailBuffer
			cmd.Stdout, cmd.Stderr = &logs, &logs
			cmd.WaitDelay = time.Second
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("lws-go echo client: %w: %s", err, lastLines(logs.String(), 3))
			}
			return nil
		},
	}
}

// targetImpl is an echo server somebody else started, at a ws:// URL:
// the fuzzingclient side only, and its failures count.
func targetImpl(url string) (*impl, error) {
	host, port, _, err := splitWSURL(url)
	if err != nil {
		return nil, fmt.Errorf("-target: %w", err)
	}
	addr := net.JoinHostPort(host, port)
	return &impl{
		name: url, agent: "target", ours: true,
		serve: func() (string, func(), error) { return addr, func() {}, nil },
		dial: func(context.Context, string) error {
			return errors.New("-target is a server: it has no client to run")
		},
	}, nil
}

func splitWSURL(url string) (host, port, path string, err error) {
	rest, ok := strings.CutPrefix(url, "ws://")
	if !ok {
		return "", "", "", fmt.Errorf("not a ws:// URL: %s", url)
	}
	hostport, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hostport, path = rest[:i], rest[i:]
	}
	host, port, err = net.SplitHostPort(hostport)
	if err != nil {
		return "", "", "", fmt.Errorf("ws URL %s: %w", url, err)
	}
	return host, port, path, nil
}

func lastLines(s string, n int) string {
	lines := bytes.Split([]byte(s), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte(" | ")))
}

// --- in-process peers ---

// serveHTTP runs handler on a loopback port; stop closes the listener and
// every connection the handler took over and still holds (track returns
// the function that lets go of it).
func serveHTTP(handler func(w http.ResponseWriter, r *http.Request, track func(io.Closer) func())) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	var mu sync.Mutex
	conns := map[int]io.Closer{}
	next := 0
	track := func(c io.Closer) func() {
		mu.Lock()
		defer mu.Unlock()
		next++
		k := next
		conns[k] = c
		return func() {
			mu.Lock()
			delete(conns, k)
			mu.Unlock()
		}
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler(w, r, track) })}
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() {
		_ = srv.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}, nil
}

// gorillaImpl is what a Go programmer writes with gorilla/websocket: the
// plain echo of tools/wsbench (ReadMessage, WriteMessage), with
// permessage-deflate enabled on both sides so that sections 12 and 13 have
// something to measure.
func gorillaImpl() *impl {
	return &impl{
		name: "gorilla", agent: "gorilla",
		serve: func() (string, func(), error) {
			up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }, EnableCompression: true}
			return serveHTTP(func(w http.ResponseWriter, r *http.Request, track func(io.Closer) func()) {
				ws, err := up.Upgrade(w, r, nil)
				if err != nil {
					return
				}
				defer track(ws)()
				defer ws.Close()
				gorillaEcho(ws)
			})
		},
		dial: func(ctx context.Context, url string) error {
			d := websocket.Dialer{EnableCompression: true, HandshakeTimeout: openHandshakeTimeout}
			ws, _, err := d.DialContext(ctx, url, nil)
			if err != nil {
				return fmt.Errorf("gorilla dial: %w", err)
			}
			defer ws.Close()
			stop := context.AfterFunc(ctx, func() { ws.Close() })
			defer stop()
			gorillaEcho(ws)
			return nil
		},
	}
}

func gorillaEcho(ws *websocket.Conn) {
	for {
		mt, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if err := ws.WriteMessage(mt, msg); err != nil {
			return
		}
	}
}

// coderImpl is coder/websocket's own Autobahn echo (its EchoLoop:
// streaming Reader to Writer, read limit 1 GB), with context takeover
// compression as in its Autobahn test.
func coderImpl() *impl {
	return &impl{
		name: "coder/websocket", agent: "coder-websocket",
		serve: func() (string, func(), error) {
			return serveHTTP(func(w http.ResponseWriter, r *http.Request, track func(io.Closer) func()) {
				c, err := coder.Accept(w, r, &coder.AcceptOptions{CompressionMode: coder.CompressionContextTakeover})
				if err != nil {
					return
				}
				defer track(closerFunc(func() error { return c.CloseNow() }))()
				coderEcho(r.Context(), c)
			})
		},
		dial: func(ctx context.Context, url string) error {
			c, _, err := coder.Dial(ctx, url, &coder.DialOptions{CompressionMode: coder.CompressionContextTakeover})
			if err != nil {
				return fmt.Errorf("coder dial: %w", err)
			}
			coderEcho(ctx, c)
			return nil
		},
	}
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func coderEcho(ctx context.Context, c *coder.Conn) {
	defer c.Close(coder.StatusInternalError, "")
	c.SetReadLimit(1 << 30)
	b := make([]byte, 32<<10)
	for {
		typ, r, err := c.Reader(ctx)
		if err != nil {
			return
		}
		w, err := c.Writer(ctx, typ)
		if err != nil {
			return
		}
		if _, err := io.CopyBuffer(w, r, b); err != nil {
			return
		}
		if err := w.Close(); err != nil {
			return
		}
	}
}
