// Command minimal-secure-streams-staticpolicy is lws's
// minimal-secure-streams-staticpolicy in Go: minimal-secure-streams with
// the policy compiled in as Go data (static-policy.go, generated from
// policy.json by policy2go) instead of JSON parsed at run time. With a
// static policy the context runs Secure Streams in static-only mode: the
// "localhost_ts" trust store is built when the stream is created and
// destroyed with it, which the run logs.
//
//	go run ./http-server/minimal-http-server-tls &
//	go run ./secure-streams/minimal-secure-streams-staticpolicy
//
// The switches are lws's; --help lists them.
package main

// policy2go is in the core, so this works in a copy of the example too.
//go:generate go run github.com/lws-go/lws-go/lws/ss/policy2go -o static-policy.go policy.json

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
	"github.com/lws-go/lws-go/lws/ss"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "--timeout_ms", Kind: cmdline.Int, Arg: "ms", Default: "3000", Help: "the stream's timeout", Min: 1, Max: 1 << 30},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, 0) })
}

var errFailed = errors.New("minimal-secure-streams-staticpolicy: the page did not arrive")

// run is the whole example; tests pass the port of their server (a static
// policy has no overlays, so the streamtype's port is changed in place).
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, port int) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS secure streams static policy test client [-d<verb>]")
	if port != 0 {
		StaticPolicy.Streamtype("mintest").Port = port
	}
	m := &myss{timeout: time.Duration(o.Int("--timeout_ms")) * time.Millisecond}
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
