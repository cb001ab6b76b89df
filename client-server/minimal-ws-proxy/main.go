// Command minimal-ws-proxy is lws's minimal-ws-proxy in Go: a server whose
// ws protocol also holds a ws client connection upstream, to a
// dumb-increment-protocol server, and passes every number on to the
// browsers at http://localhost:7681 (protocol_lws_minimal.go).
//
// lws's example goes upstream to libwebsockets.org; this one goes to the
// workspace's test server on localhost:7682 by default, so it works offline:
//
//	go run ./test-apps/test-server --port 7682 &
//	go run ./client-server/minimal-ws-proxy [--upstream host:port]
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

//go:embed mount-origin
var mountOrigin embed.FS

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, 7681, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, port int, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws proxy | visit http://localhost:7681")
	upstream, ok := cmdline.Option(args, "--upstream")
	if !ok || upstream == "" {
		upstream = "localhost:7682"
	}
	host, uport, err := net.SplitHostPort(upstream)
	if err != nil {
		return fmt.Errorf("--upstream %q: %w", upstream, err)
	}
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Name:      "localhost",
		Port:      port,
		Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolLwsMinimalProxy},
		Mounts:    []lws.Mount{{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile}},
		Options:   lws.OptionHTTPHeadersSecurity,
		PVO:       lws.PVO{"lws-minimal-proxy": {"address": host, "port": uport}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
