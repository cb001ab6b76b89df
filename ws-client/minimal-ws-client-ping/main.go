// Command minimal-ws-client-ping is lws's minimal-ws-client-ping in Go: an
// idle ws client kept alive by validity pings (protocol_lws_ping_test.go),
// running until Ctrl-C. -d 1039 shows each pong.
//
// lws's example talks to libwebsockets.org's lws-mirror-protocol; this one
// talks to the workspace's test server on localhost:7681 by default:
//
//	go run ./test-apps/test-server &
//	go run ./ws-client/minimal-ws-client-ping -d 1039
//
// --server <host> picks another server and, as in lws, turns on TLS with
// self-signed certificates allowed and asks for "lws-minimal" instead;
// --port and --protocol override.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws client PING")
	server, protocol := "localhost", "lws-mirror-protocol"
	var flags lws.ClientSSL
	if s, ok := cmdline.Option(args, "--server"); ok && s != "" {
		server, protocol = s, "lws-minimal"
		flags = lws.UseSSL | lws.AllowSelfSigned
	}
	if p, ok := cmdline.Option(args, "--protocol"); ok && p != "" {
		protocol = p
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      lws.PortNoListen,
		Protocols: []*lws.Protocol{ProtocolPingTest},
		PVO: lws.PVO{"lws-ping-test": {
			"address": server, "port": strconv.Itoa(cmdline.Int(args, "--port", 7681)),
			"protocol": protocol, "ssl-flags": strconv.Itoa(int(flags)),
		}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	err = c.Run(ctx)
	logs.Userf(log, "Completed")
	return err
}
