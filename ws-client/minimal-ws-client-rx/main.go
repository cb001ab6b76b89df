// Command minimal-ws-client-rx is lws's minimal-ws-client-rx in Go: a
// receive-only client printing the numbers a dumb-increment-protocol server
// sends (protocol_dumb_increment_client.go). lws's example reads
// libwebsockets.org over wss; this one reads the workspace's test server:
//
//	go run ./test-apps/test-server &
//	go run ./ws-client/minimal-ws-client-rx [-t]
//
// -t stops after ten messages and exits 0 (lws's CI mode); -s <server>,
// -p <port> and --ssl (implied by port 443) reach another server.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	if err := run(ctx, os.Args, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// errTooFew is -t's failure: the connection ended before ten messages.
var errTooFew = errors.New("rx: fewer than ten messages received")

func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws client rx [-d <logs>] [--h2] [-t (test)]")
	if cmdline.Has(args, "--h2") {
		logs.Userf(log, "--h2: ws over HTTP/2 is not supported yet; using HTTP/1.1")
	}
	test := cmdline.Has(args, "-t")
	pvoTest := "0"
	if test {
		pvoTest = "1"
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:        lws.PortNoListen,
		Protocols:   []*lws.Protocol{ProtocolDumbIncrementClient},
		PVO:         lws.PVO{"dumb-increment-protocol": {"test": pvoTest}},
		TimeoutSecs: 10, // lws's timeout_secs
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	server, ok := cmdline.Option(args, "-s")
	if !ok || server == "" {
		server = "localhost"
	}
	port := cmdline.Int(args, "-p", 7681)
	info := lws.ClientConnectInfo{Address: server, Port: port, Path: "/", Host: server, Origin: server, Protocol: "dumb-increment-protocol"}
	if cmdline.Has(args, "--ssl") || port == 443 {
		info.SSLConnection = lws.UseSSL
	}
	if _, err := c.ClientConnect(info); err != nil {
		c.Destroy()
		return fmt.Errorf("client connect: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if !test {
		return nil
	}
	if rxSeen(c.Vhosts()[0], ProtocolDumbIncrementClient) < 10 {
		logs.Userf(log, "Completed Failed")
		return errTooFew
	}
	logs.Userf(log, "Completed OK")
	return nil
}
