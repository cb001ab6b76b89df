// Command minimal-raw-proxy-fallback is lws's minimal-raw-proxy-fallback
// in Go: an HTTP server on port 7681 whose connections that do not start
// with an HTTP request fall back to the "raw-proxy" plugin, relayed to the
// onward address (127.0.0.1:22 by default): a browser and ssh share the
// port.
//
//	go run . [--port <port>] [-r ipv4:<addr>:<port>] [-d <loglevel>]
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
	_ "github.com/lws-go/lws-go/lws/plugins" // registers the raw-proxy plugin
)

// The page is embedded, so `go run` works from any folder.
//
//go:embed mount-origin
var mountOrigin embed.FS

// switches are lws's -r (lws's -s, -h and -u, for TLS on this port, are
// not available yet).
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "-r", Kind: cmdline.String, Arg: "ipv4:addr:port", Default: "ipv4:127.0.0.1:22", Help: "where to relay connections that are not HTTP (the raw-proxy onward pvo)"},
}

func main() {
	// Ctrl-C cancels ctx; Run then closes every connection.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole example; tests call it with "--port 0" and a ready hook
// that receives the context once it listens.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	proxy, err := lws.LookupProtocol("raw-proxy")
	if err != nil {
		return fmt.Errorf("raw-proxy plugin required: %w", err)
	}
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      o.Int("--port"),
			Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, proxy},
			Mounts: []lws.Mount{{
				Mountpoint:     "/",
				OriginFS:       origin,
				Def:            "index.html",
				OriginProtocol: lws.OriginFile,
			}},
			PVO: lws.PVO{"raw-proxy": {"onward": o.String("-r")}},
			// LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG:
			// what is not HTTP goes to listen_accept_role / _protocol.
			Options:              lws.OptionFallbackToApplyListenAcceptConfig,
			ListenAcceptRole:     "raw-skt",
			ListenAcceptProtocol: "raw-proxy",
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal raw proxy fallback | http://localhost:%d, other protocols to %s", c.Vhosts()[0].Port(), o.String("-r"))
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
