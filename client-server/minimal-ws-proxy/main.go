// Command minimal-ws-proxy is lws's minimal-ws-proxy in Go: a server whose
// ws protocol also holds a ws client connection upstream, to a
// dumb-increment-protocol server, and passes every number on to the
// browsers at http://localhost:7681 (protocol_lws_minimal.go).
//
// lws's example goes upstream to libwebsockets.org; this one goes to the
// workspace's test server on localhost:7682 by default, so it works offline:
//
//	go run ./test-apps/test-server --port 7682 &
//	go run ./client-server/minimal-ws-proxy [--port <port>] [--upstream <host:port>]
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

//go:embed mount-origin
var mountOrigin embed.FS

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "--upstream", Kind: cmdline.String, Arg: "host:port", Default: "localhost:7682", Help: "the dumb-increment-protocol server to relay"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole example; tests pass "--port 0" and a ready hook.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	upstream := o.String("--upstream")
	host, uport, err := net.SplitHostPort(upstream)
	if err != nil {
		return o.Errorf("--upstream %s: %v", upstream, err)
	}
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Name:      "localhost",
		Port:      o.Int("--port"),
		Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolLwsMinimalProxy},
		Mounts:    []lws.Mount{{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile}},
		Options:   lws.OptionHTTPHeadersSecurity,
		PVO:       lws.PVO{"lws-minimal-proxy": {"address": host, "port": uport}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal ws proxy | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
