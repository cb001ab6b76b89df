// Command minimal-ws-client is lws's minimal-ws-client in Go: a nailed-up
// ws client that hexdumps what it receives and reconnects on a backoff
// schedule (protocol_lws_minimal_client.go). lws's example talks to
// libwebsockets.org; this one talks to the workspace's test server on this
// machine by default, so it works offline:
//
//	go run ./test-apps/test-server &
//	go run ./ws-client/minimal-ws-client
//
// Flags, as lws's: -s <server> (localhost), -p <port> (7681), --protocol
// <name> (dumb-increment-protocol), -j allow self-signed, -k allow
// insecure, -m skip the hostname check, -e allow expired; and --ssl to use
// TLS, which port 443 implies (lws always uses TLS towards its public host).
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

// sslFlags turns the switches into lws's client TLS flags.
func sslFlags(args []string, port int) lws.ClientSSL {
	var f lws.ClientSSL
	if cmdline.Has(args, "--ssl") || port == 443 {
		f |= lws.UseSSL
	}
	for sw, flag := range map[string]lws.ClientSSL{
		"-j": lws.AllowSelfSigned, "-k": lws.AllowInsecure,
		"-m": lws.SkipServerCertHostnameCheck, "-e": lws.AllowExpired,
	} {
		if cmdline.Has(args, sw) {
			f |= flag
		}
	}
	return f
}

// run is the whole example; it returns when the connection attempts are
// exhausted (lws exits 0 then too) or ctx ends. Logs go to logOut.
func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws client")

	server, ok := cmdline.Option(args, "-s")
	if !ok || server == "" {
		server = "localhost"
	}
	port := cmdline.Int(args, "-p", 7681)
	protocol, ok := cmdline.Option(args, "--protocol")
	if !ok || protocol == "" {
		protocol = "dumb-increment-protocol"
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      lws.PortNoListen, // a client only: no listener
			Protocols: []*lws.Protocol{ProtocolLwsMinimalClient},
			// The target reaches the protocol's PROTOCOL_INIT as pvo.
			PVO: lws.PVO{"lws-minimal-client": {
				"address":   server,
				"port":      strconv.Itoa(port),
				"protocol":  protocol,
				"ssl-flags": strconv.Itoa(int(sslFlags(args, port))),
			}},
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	return c.Run(ctx)
}
