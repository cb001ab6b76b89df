// Command minimal-secure-streams-staticpolicy is lws's
// minimal-secure-streams-staticpolicy in Go: minimal-secure-streams with
// the policy compiled in as Go data (static-policy.go, generated from
// policy.json by policy2go) instead of JSON parsed at run time. With a
// static policy the context runs Secure Streams in static-only mode: the
// "localhost_ts" trust store is built when the stream is created and
// destroyed with it (CORE-SPEC §3), which the run logs.
//
//	go run ./http-server/minimal-http-server-tls &
//	go run ./secure-streams/minimal-secure-streams-staticpolicy
//
// Flags as lws's: -d <loglevel>, --timeout_ms <ms> (3000).
package main

//go:generate sh -c "go run ../minimal-secure-streams-policy2c < policy.json > static-policy.go"

import (
	"context"
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stderr, 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var errFailed = errors.New("minimal-secure-streams-staticpolicy: the page did not arrive")

// run is the whole example; tests pass the port of their server (a static
// policy has no overlays, so the streamtype's port is changed in place).
func run(ctx context.Context, args []string, logOut io.Writer, port int) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS secure streams static policy test client [-d<verb>]")
	if port != 0 {
		StaticPolicy.Streamtype("mintest").Port = port
	}
	m := &myss{timeout: time.Duration(cmdline.Int(args, "--timeout_ms", 3000)) * time.Millisecond}
	var streams *ss.Streams
	var createErr error
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
	streams, err = ss.New(c, ss.Options{
		Policy:     StaticPolicy,
		StaticOnly: true, // lws's LWS_WITH_SECURE_STREAMS_STATIC_POLICY_ONLY
		TrustHook: func(store string, ev ss.TrustEvent) {
			logs.Noticef(log, "trust store %s %s", store, ev)
		},
	})
	if err != nil {
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
