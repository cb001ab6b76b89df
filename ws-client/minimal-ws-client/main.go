// Command minimal-ws-client is lws's minimal-ws-client in Go: a nailed-up
// ws client that hexdumps what it receives and reconnects on a backoff
// schedule (protocol_lws_minimal_client.go). lws's example talks to
// libwebsockets.org; this one talks to the workspace's test server on this
// machine by default, so it works offline:
//
//	go run ./test-apps/test-server &
//	go run ./ws-client/minimal-ws-client
//
// The switches are lws's, with --ssl added (port 443 implies it); --help
// lists them. Unlike lws's, it exits 1 when it gives up after five
// failures in a row.
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
	{Name: "-s", Kind: cmdline.String, Arg: "server", Default: "localhost", Help: "server to connect to"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
	{Name: "--protocol", Kind: cmdline.String, Arg: "name", Default: "dumb-increment-protocol", Help: "ws subprotocol to ask for"},
	{Name: "--ssl", Help: "use TLS (port 443 implies it)"},
	{Name: "-j", Help: "TLS: allow a self-signed certificate"},
	{Name: "-k", Help: "TLS: allow an insecure certificate"},
	{Name: "-m", Help: "TLS: skip the server hostname check"},
	{Name: "-e", Help: "TLS: allow an expired certificate"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// errGaveUp is the failure: the connection attempts ran out (lws exits 0
// then; a CI job wants to know).
var errGaveUp = errors.New("ws client: gave up: connection attempts exhausted")

// sslFlags turns the switches into lws's client TLS flags.
func sslFlags(o *cmdline.Values) lws.ClientSSL {
	var f lws.ClientSSL
	if o.Has("--ssl") || o.Int("-p") == 443 {
		f |= lws.UseSSL
	}
	for sw, flag := range map[string]lws.ClientSSL{
		"-j": lws.AllowSelfSigned, "-k": lws.AllowInsecure,
		"-m": lws.SkipServerCertHostnameCheck, "-e": lws.AllowExpired,
	} {
		if o.Has(sw) {
			f |= flag
		}
	}
	return f
}

// run is the whole example; it returns when ctx ends (Ctrl-C), or with
// errGaveUp once the connection attempts are exhausted. Logs go to logOut.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal ws client")

	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      lws.PortNoListen, // a client only: no listener
			Protocols: []*lws.Protocol{ProtocolLwsMinimalClient},
			// The target reaches the protocol's PROTOCOL_INIT as pvo.
			PVO: lws.PVO{"lws-minimal-client": {
				"address":   o.String("-s"),
				"port":      o.String("-p"),
				"protocol":  o.String("--protocol"),
				"ssl-flags": strconv.Itoa(int(sslFlags(o))),
			}},
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if v, _ := c.Vhosts()[0].ProtocolData(ProtocolLwsMinimalClient).(*clientVhd); v != nil && v.gaveUp {
		return errGaveUp
	}
	return nil
}
