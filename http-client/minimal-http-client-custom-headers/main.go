// Command minimal-http-client-custom-headers is lws's
// minimal-http-client-custom-headers in Go: a GET that sends "dnt: 1" and
// reads the server's "test-custom-header" (protocol_http.go). lws forces
// HTTP/1.1 here (its custom-header API was h1-only); so does this one.
//
// lws's example talks to warmcat.com; this one talks to the workspace's
// test server, which sends "test-custom-header: hello":
//
//	go run ./test-apps/test-server &
//	go run ./http-client/minimal-http-client-custom-headers
//
// --help lists the switches.
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
	{Name: "-n", Help: "no TLS"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFailed = errors.New("custom headers: no 200 response with test-custom-header")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal http client Custom Headers [-d<verbosity>] [-l] [--h1]")
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolHTTP},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	info := lws.ClientConnectInfo{
		Address: "localhost", Port: o.Int("-p"), Path: "/", Host: "localhost",
		Origin: "localhost", Method: "GET", LocalProtocolName: "http", ALPN: "http/1.1",
	}
	if o.Has("-l") && !o.Has("-n") {
		info.SSLConnection = lws.UseSSL | lws.AllowSelfSigned
	}
	if _, err := c.ClientConnect(info); err != nil {
		c.Destroy()
		return fmt.Errorf("client connect: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	v, _ := c.Vhosts()[0].ProtocolData(ProtocolHTTP).(*headersVhd)
	if v == nil || v.failed || v.status != 200 || v.custom == "" {
		logs.Userf(log, "Completed: failed")
		return errFailed
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
