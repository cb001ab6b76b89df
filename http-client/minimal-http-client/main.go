// Command minimal-http-client is lws's minimal-http-client in Go: one GET,
// HTTP/2 preferred by ALPN, the body hexdumped as it arrives; the exit
// status is 0 only for a 200 (protocol_http.go).
//
// lws's example fetches https://warmcat.com/; this one fetches the
// workspace's test server by default, so it works offline:
//
//	go run ./test-apps/test-server &
//	go run ./http-client/minimal-http-client
//
// The switches are lws's; --help lists them.
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
	{Name: "-l", Help: "TLS to localhost with self-signed allowed (the test server with -s)"},
	{Name: "-n", Aliases: []string{"--nossl"}, Help: "no TLS"},
	{Name: "--h1", Help: "HTTP/1.1 only (no h2 by ALPN)"},
	{Name: "--h2-prior-knowledge", Help: "cleartext HTTP/2 from the first byte (h2c)"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port (443 with --server)", Max: 65535},
	{Name: "--server", Kind: cmdline.String, Arg: "host", Help: "a public server, over TLS on port 443 (default localhost)"},
	{Name: "--path", Kind: cmdline.String, Arg: "path", Default: "/", Help: "path to GET"},
	{Name: "-j", Help: "TLS: allow a self-signed certificate"},
	{Name: "-k", Help: "TLS: allow an insecure certificate"},
	{Name: "-m", Help: "TLS: skip the server hostname check"},
	{Name: "-e", Help: "TLS: allow an expired certificate"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errNot200 = errors.New("http client: no 200 response")

// target works out server, port and TLS flags from lws's switches.
func target(o *cmdline.Values) (server string, port int, flags lws.ClientSSL) {
	server, port = "localhost", 7681
	switch {
	case o.Has("-l"):
		flags = lws.UseSSL | lws.AllowSelfSigned
	case o.Has("--server"):
		server, port, flags = o.String("--server"), 443, lws.UseSSL
	}
	if o.Has("-n") {
		flags &^= lws.UseSSL
	}
	if o.Has("-p") {
		port = o.Int("-p")
	}
	for sw, f := range map[string]lws.ClientSSL{"-j": lws.AllowSelfSigned, "-k": lws.AllowInsecure, "-m": lws.SkipServerCertHostnameCheck, "-e": lws.AllowExpired} {
		if o.Has(sw) {
			flags |= f
		}
	}
	return server, port, flags
}

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal http client [-d<verbosity>] [-l] [--h1]")
	server, port, flags := target(o)
	info := lws.ClientConnectInfo{
		Address: server, Port: port, Path: o.String("--path"), Host: server, Origin: server,
		Method: "GET", LocalProtocolName: "http", SSLConnection: flags,
	}
	switch {
	case o.Has("--h1"):
		info.ALPN = "http/1.1"
	case o.Has("--h2-prior-knowledge"):
		info.ALPN = "h2-prior-knowledge"
	}
	// As in lws, the request starts from the system-state notifier once the
	// context reaches OPERATIONAL.
	var connectErr error
	operational := func(c *lws.Context, current, target lws.SystemState) bool {
		if target == lws.StateOperational {
			if _, err := c.ClientConnect(info); err != nil {
				connectErr = err
				c.Stop()
			}
		}
		return false
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    log,
		Notifiers: []lws.SystemNotifier{operational},
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolHTTP}},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if connectErr != nil {
		return fmt.Errorf("client connect: %w", connectErr)
	}
	v, _ := c.Vhosts()[0].ProtocolData(ProtocolHTTP).(*clientVhd)
	if v == nil || v.failed || v.status != 200 {
		logs.Userf(log, "Completed: failed")
		return errNot200
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
