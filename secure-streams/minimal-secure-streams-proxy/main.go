// Command minimal-secure-streams-proxy is lws's
// minimal-secure-streams-proxy in Go: the process that owns the policy, the
// TLS and the network for Secure Streams clients in other processes. At
// OPERATIONAL it opens the proxy listener; each client stream arrives over
// a link of its own and this process runs the real stream for it.
//
//	go run ./ws-server/minimal-ws-server-echo -p 7682 &   # the "spam" peer
//	go run ./secure-streams/minimal-secure-streams-proxy &
//	go run ./secure-streams/minimal-secure-streams-client-tx
//
// The switches are lws's, with --policy <file> added; --help lists them.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ss"
)

// The proxy's policy: minimal-secure-streams's "mintest" and the "spam"
// stream that minimal-secure-streams-client-tx uses.
//
//go:embed policy.json
var defaultPolicy []byte

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "--port", Aliases: []string{"-p"}, Kind: cmdline.Int, Arg: "port", Help: "listen on this TCP port instead of a unix socket", Max: 65535},
	{Name: "-i", Kind: cmdline.String, Arg: "where", Help: "interface to bind with --port, else the unix socket path (default @proxy.ss.lws)"},
	{Name: "--policy", Kind: cmdline.String, Arg: "file", Help: "a JSON policy to use instead of the one compiled in"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run serves until ctx ends; ready, if set, gets the listener's address.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(string)) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS secure streams Proxy [-d<verb>]")
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
	bind, port := o.String("-i"), o.Int("--port")
	var streams *ss.Streams
	var listenErr error
	// As in lws, the proxy opens its listener once the system is
	// OPERATIONAL.
	operational := func(c *lws.Context, current, target lws.SystemState) bool {
		if target == lws.StateOperational {
			addr, err := streams.ProxyListen(bind, port)
			if err != nil {
				listenErr = err
				c.Stop()
				return false
			}
			logs.Userf(log, "ss proxy listening on %s", addr)
			if ready != nil {
				ready(addr.String())
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
	if listenErr != nil {
		return listenErr
	}
	logs.Userf(log, "Completed")
	return nil
}
