// Command minimal-ws-client-echo is lws's minimal-ws-client-echo in Go: it
// connects without naming a subprotocol and echoes whatever the server
// sends, fragment by fragment (protocol_lws_minimal_client_echo.go). It is
// the client side of Autobahn-style testing, run once per test case:
//
//	go run ./ws-client/minimal-ws-client-echo -s 127.0.0.1 -p 9001 -u "/runCase?case=1&agent=lws-go" -o
//
// tools/wsconform -serve 127.0.0.1:9001 is such a server. The switches are lws's; --help lists them.
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
	{Name: "-s", Kind: cmdline.String, Arg: "server", Default: "localhost", Help: "server to connect to"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
	{Name: "-u", Kind: cmdline.String, Arg: "path", Default: "/", Help: "request path, e.g. /runCase?case=1&agent=lws-go"},
	{Name: "-o", Help: "exit 0 only if a final fragment was echoed"},
	{Name: "-n", Help: "no permessage-deflate"},
	{Name: "--ssl", Help: "use TLS (self-signed allowed)"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var (
	errConnect   = errors.New("echo client: connection failed")
	errNoEchoYet = errors.New("echo client: no final fragment was echoed")
)

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal ws client echo + permessage-deflate + multifragment bulk message")
	logs.Userf(log, "   lws-minimal-ws-client-echo [-n (no exts)] [-u url] [-p port] [-o (once)]")
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      lws.PortNoListen,
		Protocols: []*lws.Protocol{ProtocolClientEcho},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	server := o.String("-s")
	info := lws.ClientConnectInfo{
		Address: server, Port: o.Int("-p"), Path: o.String("-u"),
		Host: server, Origin: server, LocalProtocolName: "lws-minimal-client-echo",
		Deflate: !o.Has("-n"),
	}
	if o.Has("--ssl") {
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
	case o.Has("-o") && !v.echoedFinal:
		logs.Userf(log, "Completed: failed")
		return errNoEchoYet
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
