// Command test-server is the local stand-in for lws's classic test server
// (libwebsockets-test-server): it serves a demo page and the core's standard
// protocols, "dumb-increment-protocol", "lws-mirror-protocol" and
// "lws-status", and the POST form handler at /formtest
// ("protocol-post-demo", all from package lws/plugins), so the client examples have a peer on
// this machine.
//
//	go run ./test-apps/test-server [-d <loglevel>] [-s] [--port <n>]
//
// -s serves https/wss with the localhost-100y certificate (clients then
// need -j, allow self-signed); --port changes the port (7681).
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/plugins"
)

var (
	//go:embed mount-origin
	mountOrigin embed.FS
	//go:embed localhost-100y.cert
	certPEM []byte
	//go:embed localhost-100y.key
	keyPEM []byte
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, 7681, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole server; tests pass port 0 and a ready hook.
func run(ctx context.Context, args []string, port int, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, cmdline.Builtin(args).LogLevel)
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Name: "localhost",
			Port: cmdline.Int(args, "--port", port),
			Protocols: []*lws.Protocol{
				{Name: "http", Callback: lws.HTTPDummy},
				plugins.DumbIncrement,
				plugins.Mirror,
				plugins.Status,
				plugins.PostDemo,
			},
			Mounts: []lws.Mount{
				{Mountpoint: "/", OriginFS: origin, Def: "test.html", OriginProtocol: lws.OriginFile},
				// lws's test server hands POSTs to /formtest to its post demo.
				{Mountpoint: "/formtest", OriginProtocol: lws.OriginCallback, Protocol: plugins.PostDemo.Name},
			},
			Options: lws.OptionHTTPHeadersSecurity,
			// warmcat.com sends this for minimal-http-client-custom-headers.
			Headers: map[string]string{"test-custom-header": "hello"},
		},
	}
	scheme := "http"
	if cmdline.Has(args, "-s") {
		info.TLS = lws.TLSInfo{CertMem: certPEM, KeyMem: keyPEM}
		scheme = "https"
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "lws-go test server | visit %s://localhost:%d", scheme, c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
