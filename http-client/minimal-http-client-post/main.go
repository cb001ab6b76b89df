// Command minimal-http-client-post is lws's minimal-http-client-post in Go:
// a multipart POST of a text field and a small file, the reply hexdumped;
// -m runs four at once. The exit status is 0 only if every POST got a 200
// (protocol_http.go).
//
// lws's example posts to https://libwebsockets.org/testserver/formtest;
// this one posts to the workspace's test server by default, so it works
// offline:
//
//	go run ./test-apps/test-server &
//	go run ./http-client/minimal-http-client-post
//
// The switches are lws's (--help lists them), and --server <host> reaches a
// public lws test server (TLS on 443, path /testserver/formtest).
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
	{Name: "-m", Help: "four POSTs at once"},
	{Name: "--form1", Help: "POST to /form1 instead of /formtest"},
	{Name: "--port", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port (443 with --server)", Max: 65535},
	{Name: "--h1", Help: "HTTP/1.1 only (no h2 by ALPN)"},
	{Name: "--server", Kind: cmdline.String, Arg: "host", Help: "a public lws test server: TLS on 443, path /testserver/formtest"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFailed = errors.New("http client post: not every POST got a 200")

// connectInfo builds lws's client connect info from the switches.
func connectInfo(o *cmdline.Values) lws.ClientConnectInfo {
	// LCCSCF_HTTP_MULTIPART_MIME: the core sets the multipart content
	// type and boundary; the protocol writes the parts.
	i := lws.ClientConnectInfo{Address: "localhost", Port: 7681, Path: "/formtest", Method: "POST",
		LocalProtocolName: "http", SSLConnection: lws.HTTPMultipartMIME}
	switch {
	case o.Has("-l"):
		i.SSLConnection |= lws.UseSSL | lws.AllowSelfSigned
	case o.Has("--server"):
		i.Address, i.Port, i.Path = o.String("--server"), 443, "/testserver/formtest"
		i.SSLConnection |= lws.UseSSL
	}
	if o.Has("--form1") {
		i.Path = "/form1"
	}
	if o.Has("--port") {
		i.Port = o.Int("--port")
	}
	i.Host, i.Origin = i.Address, i.Address
	if o.Has("--h1") {
		i.ALPN = "http/1.1" // force h1 even if h2 is available
	}
	return i
}

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal http client - POST [-d<verbosity>] [-l] [--h1]")
	clients := 1
	if o.Has("-m") {
		clients = 4
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    log,
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolHTTP}},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	v, _ := c.Vhosts()[0].ProtocolData(ProtocolHTTP).(*postVhd)
	v.clients = clients
	info := connectInfo(o)
	for range clients {
		logs.Noticef(log, "connecting to %s:%d", info.Address, info.Port)
		if _, err := c.ClientConnect(info); err != nil {
			c.Destroy()
			return fmt.Errorf("client connect: %w", err)
		}
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if v.bad || v.completed != clients {
		logs.Userf(log, "Completed: failed")
		return errFailed
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
