// Command minimal-ws-client-spam is lws's minimal-ws-client-spam in Go:
// connection churn. It keeps -c connections (3, at most 200) to an
// lws-mirror-protocol server open at a time, each sending "hello N" and
// closing itself, until -l connections (15) have been made; it exits 0 only
// if all of them were made and closed cleanly (protocol_lws_spam.go).
//
//	go run ./test-apps/test-server &
//	go run ./ws-client/minimal-ws-client-spam [-c 50] [-l 5000]
//
// lws's example spams libwebsockets.org over TLS; this one defaults to the
// workspace's test server on localhost:7681 without TLS. --server <host>
// picks another server and, as in lws, turns on TLS allowing a self-signed
// certificate; -n turns TLS off again; --port sets the port.
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
	{Name: "--server", Kind: cmdline.String, Arg: "host", Help: "server to spam (default localhost); turns on TLS with self-signed allowed"},
	{Name: "--port", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
	{Name: "-c", Kind: cmdline.Int, Arg: "n", Default: "3", Help: "connections open at once", Min: 1, Max: 200},
	{Name: "-l", Kind: cmdline.Int, Arg: "n", Default: "15", Help: "connections to make in all", Min: 1, Max: 1 << 30},
	{Name: "-n", Help: "no TLS, even with --server"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// errIncomplete is lws's non-zero exit: not every connection was made and
// closed cleanly.
var errIncomplete = errors.New("spam: not every connection was made and closed cleanly")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal ws client SPAM")

	server := "localhost"
	var flags lws.ClientSSL
	if o.Has("--server") {
		server = o.String("--server")
		if !o.Has("-n") {
			flags = lws.UseSSL | lws.AllowSelfSigned
		}
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      lws.PortNoListen,
			Protocols: []*lws.Protocol{ProtocolSpam},
			PVO: lws.PVO{"lws-mirror-protocol": {
				"address":    server,
				"port":       o.String("--port"),
				"ssl-flags":  strconv.Itoa(int(flags)),
				"concurrent": o.String("-c"),
				"limit":      o.String("-l"),
			}},
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if !spamCompleted(c.Vhosts()[0], ProtocolSpam) {
		return errIncomplete
	}
	logs.Userf(log, "Completed")
	return nil
}
