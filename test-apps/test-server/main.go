// Command test-server is the local stand-in for lws's classic test server
// (libwebsockets-test-server): it serves a demo page and the core's standard
// protocols, "dumb-increment-protocol", "lws-mirror-protocol" and
// "lws-status", and the POST form handler at /formtest
// ("protocol-post-demo", all from package lws/plugins), so the client examples have a peer on
// this machine.
//
//	go run ./test-apps/test-server [--port <port>] [-s] [-d <loglevel>]
//
// -s serves https/wss with the localhost-100y certificate (clients then
// need -j, allow self-signed); --help lists the switches.
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"

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

// switches are the command line: lws's test server's names and defaults.
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "-s", Help: "serve https/wss with the localhost-100y certificate the example carries"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole server; tests pass "--port 0" and a ready hook.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Name: "localhost",
			Port: o.Int("--port"),
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
	if o.Has("-s") {
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
