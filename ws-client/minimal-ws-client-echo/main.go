// Command minimal-ws-client-echo is lws's minimal-ws-client-echo in Go: it
// connects without naming a subprotocol and echoes whatever the server
// sends, fragment by fragment (protocol_lws_minimal_client_echo.go). It is
// the client side of Autobahn-style testing, run once per test case:
//
//	go run ./ws-client/minimal-ws-client-echo -s 127.0.0.1 -p 9001 -u "/runCase?case=1&agent=lws-go" -o
//
// -s <server> (localhost), -p <port> (7681), -u <path> (/), --ssl, -n (no
// permessage-deflate), -o (exit 0 only if a final fragment was echoed;
// without it the exit status is non-zero only on a connection error).
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

var (
	errConnect   = errors.New("echo client: connection failed")
	errNoEchoYet = errors.New("echo client: no final fragment was echoed")
)

func option(args []string, sw, def string) string {
	if v, ok := cmdline.Option(args, sw); ok && v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws client echo + permessage-deflate + multifragment bulk message")
	logs.Userf(log, "   lws-minimal-ws-client-echo [-n (no exts)] [-u url] [-p port] [-o (once)]")
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      lws.PortNoListen,
		Protocols: []*lws.Protocol{ProtocolClientEcho},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	server := option(args, "-s", "localhost")
	info := lws.ClientConnectInfo{
		Address: server, Port: cmdline.Int(args, "-p", 7681), Path: option(args, "-u", "/"),
		Host: server, Origin: server, LocalProtocolName: "lws-minimal-client-echo",
		Deflate: !cmdline.Has(args, "-n"),
	}
	if cmdline.Has(args, "--ssl") {
		info.SSLConnection = lws.UseSSL | lws.AllowSelfSigned
	}
	if _, err := c.ClientConnect(info); err != nil {
		c.Destroy()
		return fmt.Errorf("client connect: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	v, _ := c.Vhosts()[0].ProtocolData(ProtocolClientEcho).(*echoVhd)
	switch {
	case v.connectFailed:
		logs.Userf(log, "Completed: failed")
		return errConnect
	case cmdline.Has(args, "-o") && !v.echoedFinal:
		logs.Userf(log, "Completed: failed")
		return errNoEchoYet
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
