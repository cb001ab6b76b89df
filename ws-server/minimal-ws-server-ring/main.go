// Command minimal-ws-server-ring is lws's minimal-ws-server-ring in Go: the
// chat of minimal-ws-server with every message passing through an 8-slot
// multi-tail ring (protocol_lws_minimal.go), serving the page at
// http://localhost:7681.
//
//	go run . [--port <port>] [-d <loglevel>]
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

// The browser page is embedded, so `go run`
// works from any folder (lws serves ./mount-origin from the cwd).
var (
	//go:embed mount-origin
	mountOrigin embed.FS
)

// switches are the command line: lws's names and defaults (lws_switches).
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
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Name: "localhost",
			Port: o.Int("--port"),
			// By lws convention protocols[0] serves HTTP; the mount does the work.
			Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolLwsMinimal},
			Mounts: []lws.Mount{{
				Mountpoint:     "/",
				OriginFS:       origin,
				Def:            "index.html",
				OriginProtocol: lws.OriginFile,
			}},
			Options: lws.OptionHTTPHeadersSecurity,
		},
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal ws server + ring | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
