// Command minimal-ws-client-rx is lws's minimal-ws-client-rx in Go: a
// receive-only client printing the numbers a dumb-increment-protocol server
// sends (protocol_dumb_increment_client.go). lws's example reads
// libwebsockets.org over wss; this one reads the workspace's test server:
//
//	go run ./test-apps/test-server &
//	go run ./ws-client/minimal-ws-client-rx [-t]
//
// -t stops after ten messages and exits 0 (lws's CI mode); without -t it
// exits 1 if not one message arrived (lws's exits 0). --help lists the
// switches.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-t", Help: "test mode: stop after ten messages, exit 0 only if they came"},
	{Name: "--h2", Help: "ws over HTTP/2 (not supported yet: HTTP/1.1 is used)"},
	{Name: "-s", Kind: cmdline.String, Arg: "server", Default: "localhost", Help: "server to connect to"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
	{Name: "--ssl", Help: "use TLS (port 443 implies it)"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var (
	// errTooFew is -t's failure: the connection ended before ten messages.
	errTooFew = errors.New("rx: fewer than ten messages received")
	// errNothing is the failure without -t: not one message arrived.
	errNothing = errors.New("rx: no message received")
)

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal ws client rx [-d <logs>] [--h2] [-t (test)]")
	if o.Has("--h2") {
		logs.Userf(log, "--h2: ws over HTTP/2 is not supported yet; using HTTP/1.1")
	}
	test := o.Has("-t")
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
	server, port := o.String("-s"), o.Int("-p")
	info := lws.ClientConnectInfo{Address: server, Port: port, Path: "/", Host: server, Origin: server, Protocol: "dumb-increment-protocol"}
	if o.Has("--ssl") || port == 443 {
		info.SSLConnection = lws.UseSSL
	}
	if _, err := c.ClientConnect(info); err != nil {
		c.Destroy()
		return fmt.Errorf("client connect: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	seen := rxSeen(c.Vhosts()[0], ProtocolDumbIncrementClient)
	if !test {
		if seen == 0 {
			return errNothing
		}
		return nil
	}
	if seen < 10 {
		logs.Userf(log, "Completed Failed")
		return errTooFew
	}
	logs.Userf(log, "Completed OK")
	return nil
}
