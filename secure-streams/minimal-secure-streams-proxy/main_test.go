package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/ss"
)

// client is a proxied "mintest" stream's user: it wants the whole page.
type client struct{ got chan string }

func (c *client) Rx(h *ss.Handle, buf []byte, flags ss.Flags) ss.Result {
	if len(buf) > 0 {
		c.got <- string(buf)
	}
	return ss.ResultOK
}
func (c *client) Tx(*ss.Handle, uint32, []byte) (int, ss.Flags, ss.Result) {
	return 0, 0, ss.ResultTxDontSend
}
func (c *client) State(h *ss.Handle, st ss.State, _ uint32) ss.Result {
	if st == ss.StateCreating {
		_ = h.SetMetadata("uptag", []byte("via-proxy"))
		_ = h.ClientConnect()
	}
	return ss.ResultOK
}

// A client with no policy fetches "mintest" through the proxy, which
// verifies the TLS server against its own policy's trust store.
func TestClientThroughProxy(t *testing.T) {
	cert, key := lwstest.CertFiles(t)
	srv := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", TLS: lws.TLSInfo{CertFile: cert, KeyFile: key},
			Mounts: []lws.Mount{{Mountpoint: "/", OriginFS: fstest.MapFS{"index.html": {Data: []byte("<html>proxied</html>")}}, Def: "index.html", OriginProtocol: lws.OriginFile}},
		}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	_, port, _ := net.SplitHostPort(srv.Vhosts()[0].Addr())
	policy := bytes.Replace(defaultPolicy, []byte(`"port": 7681`), []byte(`"port": `+port), 1)
	file := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(file, policy, 0o644)
	sock := fmt.Sprintf("@lws-go-proxy-example-%d", time.Now().UnixNano())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log bytes.Buffer
	listening := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, switches.MustParse([]string{"proxy", "-i", sock, "--policy", file}), &log, func(a string) { listening <- a })
	}()
	select {
	case a := <-listening:
		if a != sock {
			t.Fatalf("listening on %s", a)
		}
	case err := <-done:
		t.Fatalf("proxy ended: %v\n%s", err, log.String())
	}

	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	user := &client{got: make(chan string, 4)}
	c.Do(func() {
		s, err := ss.New(c, ss.Options{Proxy: &ss.ProxyInfo{Address: sock}})
		if err == nil {
			_, err = s.Create(ss.Info{Streamtype: "mintest", User: user})
		}
		if err != nil {
			t.Error(err)
		}
	})
	select {
	case got := <-user.got:
		if got != "<html>proxied</html>" {
			t.Fatalf("got %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing came through the proxy:\n%s", log.String())
	}
	cancel()
	if err := <-done; err != nil || !strings.Contains(log.String(), "Completed") {
		t.Fatalf("%v\n%s", err, log.String())
	}
}

func TestBadPolicy(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(file, []byte(`{"s": [{"x": {"protocol": "nope"}}]}`), 0o644)
	err := run(context.Background(), switches.MustParse([]string{"proxy", "--policy", file}), &bytes.Buffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), `unknown protocol "nope"`) {
		t.Fatalf("%v", err)
	}
}
