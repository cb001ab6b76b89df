// Command minimal-secure-streams is lws's minimal-secure-streams in Go: at
// OPERATIONAL it creates one stream of type "mintest", whose policy says:
// an h1 GET of index.html over TLS, trusting one CA. The exit status is 0
// when the whole page arrived (ss_mintest.go).
//
// lws's example fetches https://warmcat.com/ trusting Let's Encrypt; this
// one fetches the workspace's TLS server on localhost:7681, with that
// server's certificate as the policy's only trust store, so it works
// offline:
//
//	go run ./http-server/minimal-http-server-tls &
//	go run ./secure-streams/minimal-secure-streams
//
// Flags as lws's: -d <loglevel>, --timeout_ms <ms> (3000); and --policy
// <file> to use another JSON policy.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ss"
)

// defaultPolicy is the policy compiled in: the JSON lws's example carries
// as a C string, here a file of its own.
//
//go:embed policy.json
var defaultPolicy []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var errFailed = errors.New("minimal-secure-streams: the page did not arrive")

// run is the whole example; tests pass an overlay (lws_ss_policy_overlay)
// to point the stream at their server.
func run(ctx context.Context, args []string, logOut io.Writer, overlay []byte) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS secure streams test client [-d<verb>]")
	data := defaultPolicy
	if f, ok := cmdline.Option(args, "--policy"); ok && f != "" {
		var err error
		if data, err = os.ReadFile(f); err != nil {
			return fmt.Errorf("policy: %w", err)
		}
	}
	policy, err := ss.ParsePolicy(data)
	if err != nil {
		return err
	}
	if overlay != nil {
		if err := policy.Overlay(overlay); err != nil {
			return err
		}
	}
	m := &myss{timeout: time.Duration(cmdline.Int(args, "--timeout_ms", 3000)) * time.Millisecond}
	var streams *ss.Streams
	var createErr error
	// As in lws, the stream is created from the system-state notifier
	// once the context is OPERATIONAL.
	operational := func(c *lws.Context, current, target lws.SystemState) bool {
		if target == lws.StateOperational {
			m.done = c.Stop
			if _, createErr = streams.Create(ss.Info{Streamtype: "mintest", User: m}); createErr != nil {
				c.Stop()
			}
		}
		return false
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    log,
		Notifiers: []lws.SystemNotifier{operational},
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if streams, err = ss.New(c, ss.Options{Policy: policy}); err != nil {
		c.Destroy()
		return err
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if createErr != nil {
		return fmt.Errorf("failed to create secure stream: %w", createErr)
	}
	if !m.ok {
		logs.Userf(log, "Completed: failed")
		return errFailed
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
