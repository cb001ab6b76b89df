// Command minimal-ws-client-ping is lws's minimal-ws-client-ping in Go: an
// idle ws client kept alive by validity pings (protocol_lws_ping.go),
// running until Ctrl-C. -d 1039 shows each pong. It exits 1 if the
// connection never came up.
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
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "--server", Kind: cmdline.String, Arg: "host", Help: "server to ping (default localhost); turns on TLS with self-signed allowed and asks for lws-minimal"},
	{Name: "--port", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
	{Name: "--protocol", Kind: cmdline.String, Arg: "name", Help: "ws subprotocol (default lws-mirror-protocol, lws-minimal with --server)"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// errNeverConnected is the failure: the run ended without the connection
// ever coming up.
var errNeverConnected = errors.New("ws client ping: never connected")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal ws client PING")
	server, protocol := "localhost", "lws-mirror-protocol"
	var flags lws.ClientSSL
	if o.Has("--server") {
		server, protocol = o.String("--server"), "lws-minimal"
		flags = lws.UseSSL | lws.AllowSelfSigned
	}
	if o.Has("--protocol") {
		protocol = o.String("--protocol")
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      lws.PortNoListen,
		Protocols: []*lws.Protocol{ProtocolPingTest},
		PVO: lws.PVO{"lws-ping-test": {
			"address": server, "port": o.String("--port"),
			"protocol": protocol, "ssl-flags": strconv.Itoa(int(flags)),
		}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	logs.Userf(log, "Completed")
	if v, _ := c.Vhosts()[0].ProtocolData(ProtocolPingTest).(*pingVhd); v == nil || !v.established {
		return errNeverConnected
	}
	return nil
}
