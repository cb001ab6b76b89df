// Command minimal-http-client-hugeurl is lws's minimal-http-client-hugeurl
// in Go: a GET for "/?fakeparam=" followed by 2,000 zeros, to check that
// long request lines pass (protocol_http.go); exit 0 only for a 200.
//
// lws's example asks warmcat.com; this one asks the workspace's test server:
//
//	go run ./test-apps/test-server &
//	go run ./http-client/minimal-http-client-hugeurl [--h1]
//
// --help lists the switches.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-l", Help: "TLS to localhost with self-signed allowed (the test server with -s)"},
	{Name: "--h1", Help: "HTTP/1.1 only (no h2 by ALPN)"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errNot200 = errors.New("hugeurl: no 200 response")

// hugePath is lws's: a parameter of 2,000 zeros.
var hugePath = "/?fakeparam=" + strings.Repeat("0", 2000)

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal http client hugeurl [-d<verbosity>] [-l] [--h1]")
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolHTTP},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	info := lws.ClientConnectInfo{
		Address: "localhost", Port: o.Int("-p"), Path: hugePath, Host: "localhost",
		Origin: "localhost", Method: "GET", LocalProtocolName: "http",
	}
	if o.Has("-l") {
		info.SSLConnection = lws.UseSSL | lws.AllowSelfSigned
	}
	if o.Has("--h1") {
		info.ALPN = "http/1.1"
	}
	if _, err := c.ClientConnect(info); err != nil {
		c.Destroy()
		return fmt.Errorf("client connect: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if v, _ := c.Vhosts()[0].ProtocolData(ProtocolHTTP).(*hugeVhd); v == nil || v.failed || v.status != 200 {
		logs.Userf(log, "Completed: failed")
		return errNot200
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
