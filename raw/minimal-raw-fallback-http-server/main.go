// Command minimal-raw-fallback-http-server is lws's
// minimal-raw-fallback-http-server in Go: an HTTP server on port 7681
// whose connections fall back to a raw socket of the "raw-echo" protocol
// (protocol_raw_echo.go) when their first bytes are not an HTTP request.
// A browser and `nc localhost 7681` share the port.
//
//	go run . [--port <port>] [-d <loglevel>]
//
// --help lists the switches.
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
)

// The page is embedded, so `go run` works from any folder (lws serves
// ./mount-origin from the cwd).
//
//go:embed mount-origin
var mountOrigin embed.FS

// switches are the command line (lws's -s, -h and -u, for TLS on this
// port, are not available yet).
var switches = cmdline.Switches{
	cmdline.Port(7681),
}

func main() {
	// Ctrl-C cancels ctx; Run then closes every connection.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole example; tests call it with "--port 0" and a ready hook
// that receives the context once it listens.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      o.Int("--port"),
			Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolRawEcho},
			Mounts: []lws.Mount{{
				Mountpoint:     "/",
				OriginFS:       origin,
				Def:            "index.html",
				OriginProtocol: lws.OriginFile,
			}},
			ErrorDocument404: "/404.html",
			// LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG: a
			// connection that does not start with an HTTP request is
			// handed to listen_accept_role / _protocol instead.
			Options:              lws.OptionHTTPHeadersSecurity | lws.OptionFallbackToApplyListenAcceptConfig,
			ListenAcceptRole:     "raw-skt",
			ListenAcceptProtocol: ProtocolRawEcho.Name,
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal raw fallback http server | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
