// Command minimal-ws-server-echo is lws's minimal-ws-server-echo in Go: a
// ws echo server whose only protocol, "lws-minimal-server-echo", is first in
// the table, so clients that name no subprotocol get it. It is the target
// for Autobahn-style testing and for minimal-ws-client-echo.
//
//	go run . [-d <loglevel>] [-p <port>] [-o] [-n]
//
// -p sets the port (7681), -o exits after the first connection closes (exit
// status 0 only if a whole message was echoed), -n turns permessage-deflate
// off.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// errEchoFailed is -o's failure: the connection closed before a whole
// message went back.
var errEchoFailed = errors.New("echo: completed failed: no whole message was echoed")

// run is the whole example; tests pass "-p 0" and a ready hook.
func run(ctx context.Context, args []string, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws server echo + permessage-deflate + multifragment bulk message")
	logs.Userf(log, "   lws-minimal-ws-server-echo [-n (no exts)] [-p port] [-o (once)]")

	once := cmdline.Has(args, "-o")
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      cmdline.Int(args, "-p", 7681),
			Protocols: []*lws.Protocol{ProtocolLwsMinimalServerEcho},
			// The per-vhost option the protocol reads at PROTOCOL_INIT.
			PVO:     lws.PVO{"lws-minimal-server-echo": {"options": map[bool]string{true: "1", false: "0"}[once]}},
			Deflate: !cmdline.Has(args, "-n"),
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
