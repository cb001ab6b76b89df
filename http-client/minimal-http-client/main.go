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
// Flags as lws's: -l (localhost:7681 over TLS, self-signed allowed: the test
// server with -s), -n / --nossl, --h1, --h2-prior-knowledge, -p <port>,
// --server <host> (TLS on port 443), --path <path>, -j, -k, -m, -e.
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

var errNot200 = errors.New("http client: no 200 response")

// target works out server, port and TLS flags from lws's switches.
func target(args []string) (server string, port int, flags lws.ClientSSL) {
	server, port = "localhost", 7681
	switch {
	case cmdline.Has(args, "-l"):
		flags = lws.UseSSL | lws.AllowSelfSigned
	default:
		if s, ok := cmdline.Option(args, "--server"); ok && s != "" {
			server, port, flags = s, 443, lws.UseSSL
		}
	}
	if cmdline.Has(args, "-n") || cmdline.Has(args, "--nossl") {
		flags &^= lws.UseSSL
	}
	port = cmdline.Int(args, "-p", port)
	for sw, f := range map[string]lws.ClientSSL{"-j": lws.AllowSelfSigned, "-k": lws.AllowInsecure, "-m": lws.SkipServerCertHostnameCheck, "-e": lws.AllowExpired} {
		if cmdline.Has(args, sw) {
			flags |= f
		}
	}
	return server, port, flags
}

func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal http client [-d<verbosity>] [-l] [--h1]")
	server, port, flags := target(args)
	path, ok := cmdline.Option(args, "--path")
	if !ok || path == "" {
		path = "/"
	}
	info := lws.ClientConnectInfo{
		Address: server, Port: port, Path: path, Host: server, Origin: server,
		Method: "GET", LocalProtocolName: "http", SSLConnection: flags,
	}
	switch {
	case cmdline.Has(args, "--h1"):
		info.ALPN = "http/1.1"
	case cmdline.Has(args, "--h2-prior-knowledge"):
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
