// Command minimal-ws-server-echo is lws's minimal-ws-server-echo in Go: a
// ws echo server whose only protocol, "lws-minimal-server-echo", is first in
// the table, so clients that name no subprotocol get it. It is the target
// for Autobahn-style testing and for minimal-ws-client-echo.
//
//	go run . [--port <port>] [-o] [-n] [-d <loglevel>]
//
// --help lists the switches.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681, "-p"),
	{Name: "-o", Help: "exit after the first connection closes: status 0 only if a whole message was echoed"},
	{Name: "-n", Help: "no permessage-deflate"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// errEchoFailed is -o's failure: the connection closed before a whole
// message went back.
var errEchoFailed = errors.New("echo: completed failed: no whole message was echoed")

// run is the whole example; tests pass "--port 0" and a ready hook.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	logs.Userf(log, "LWS minimal ws server echo + permessage-deflate + multifragment bulk message")
	logs.Userf(log, "   lws-minimal-ws-server-echo [-n (no exts)] [-p port] [-o (once)]")

	once := o.Has("-o")
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      o.Int("--port"),
			Protocols: []*lws.Protocol{ProtocolLwsMinimalServerEcho},
			// The per-vhost option the protocol reads at PROTOCOL_INIT.
			PVO:     lws.PVO{"lws-minimal-server-echo": {"options": map[bool]string{true: "1", false: "0"}[once]}},
			Deflate: !o.Has("-n"),
			Options: lws.OptionValidateUTF8,
		},
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if ready != nil {
		ready(c)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if !once {
		return nil
	}
	if !serverEchoCompleted(c.Vhosts()[0], ProtocolLwsMinimalServerEcho) {
		logs.Userf(log, "Completed failed")
		return errEchoFailed
	}
	logs.Userf(log, "Completed OK")
	return nil
}
