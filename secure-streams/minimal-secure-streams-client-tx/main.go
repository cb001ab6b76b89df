// Command minimal-secure-streams-client-tx is lws's
// minimal-secure-streams-client-tx in Go: a Secure Streams client with no
// policy of its own. Its "spam" stream goes through the SS proxy
// (minimal-secure-streams-proxy), which owns the policy and the network:
// 1000 packets of 80 bytes, one every 50 ms; it exits 0 once the last one
// has come back from the echo peer (ss_spam.go).
//
//	go run ./ws-server/minimal-ws-server-echo -p 7682 &
//	go run ./secure-streams/minimal-secure-streams-proxy &
//	go run ./secure-streams/minimal-secure-streams-client-tx
//
// The switches are lws's client builds' (-p, -i, -a), with --packets and
// --interval-ms added; --help lists them.
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
	"github.com/lws-go/lws-go/lws/ss"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Help: "the proxy's TCP port (default: its unix socket)", Max: 65535},
	{Name: "-i", Kind: cmdline.String, Arg: "path", Help: "the proxy's unix socket (default @proxy.ss.lws)"},
	{Name: "-a", Kind: cmdline.String, Arg: "address", Default: "127.0.0.1", Help: "the proxy's address, with -p"},
	{Name: "--packets", Kind: cmdline.Int, Arg: "n", Default: "1000", Help: "packets to send", Min: 1, Max: 1 << 30},
	{Name: "--interval-ms", Kind: cmdline.Int, Arg: "ms", Default: "50", Help: "time between packets", Max: 1 << 30},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFailed = errors.New("minimal-secure-streams-client-tx: not every packet went through")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS secure streams client TX [-d<verb>]")
	proxy := &ss.ProxyInfo{Port: o.Int("-p")}
	if proxy.Port != 0 {
		proxy.Address = o.String("-a")
	} else {
		proxy.Address = o.String("-i")
	}
	m := &spam{
		packets:  o.Int("--packets"),
		interval: time.Duration(o.Int("--interval-ms")) * time.Millisecond,
	}
	var streams *ss.Streams
	var createErr error
	operational := func(c *lws.Context, current, target lws.SystemState) bool {
		if target == lws.StateOperational {
			m.done = c.Stop
			if _, createErr = streams.Create(ss.Info{Streamtype: "spam", User: m}); createErr != nil {
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
	// No policy here: the proxy has it (lws's LWS_SS_USE_SSPC build).
	if streams, err = ss.New(c, ss.Options{Proxy: proxy}); err != nil {
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
