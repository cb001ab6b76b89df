// Command minimal-secure-streams-metadata is lws's
// minimal-secure-streams-metadata in Go: minimal-secure-streams whose
// policy endpoint is "${servername}", filled in from stream metadata that
// the stream sets in CREATING. -u <host> chooses the host (lws: warmcat.com;
// here localhost, the workspace's TLS server, so it works offline):
//
//	go run ./http-server/minimal-http-server-tls &
//	go run ./secure-streams/minimal-secure-streams-metadata [-u localhost]
//
// The switches are lws's; --help lists them.
package main

import (
	"context"
	_ "embed"
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

// defaultPolicy is the policy compiled in: the JSON lws's example carries
// as a C string, here a file of its own.
//
//go:embed policy.json
var defaultPolicy []byte

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-u", Kind: cmdline.String, Arg: "host", Default: "localhost", Help: "the host the stream's ${servername} metadata names"},
	{Name: "--timeout_ms", Kind: cmdline.Int, Arg: "ms", Default: "3000", Help: "the stream's timeout", Min: 1, Max: 1 << 30},
	{Name: "--policy", Kind: cmdline.String, Arg: "file", Help: "a JSON policy to use instead of the one compiled in"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

var errFailed = errors.New("minimal-secure-streams-metadata: the page did not arrive")

// run is the whole example; tests pass an overlay (lws_ss_policy_overlay)
// to point the stream at their server.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, overlay []byte) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS secure streams test client [-d<verb>]")
	data := defaultPolicy
	if o.Has("--policy") {
		var err error
		if data, err = os.ReadFile(o.String("--policy")); err != nil {
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
	m := &myss{timeout: time.Duration(o.Int("--timeout_ms")) * time.Millisecond, server: o.String("-u")}
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
