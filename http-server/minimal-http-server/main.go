// Command minimal-http-server is lws's minimal-http-server in Go, the
// suggested first example: it serves a folder of files (embedded here, so
// `go run` works from anywhere) at http://localhost:7681 with a custom 404
// page and lws's security headers.
//
//	go run . [--port <port>] [--h2-prior-knowledge] [-d <loglevel>]
//
// --h2-prior-knowledge also accepts cleartext HTTP/2 (h2c) from clients
// that start with the HTTP/2 preface, such as curl --http2-prior-knowledge;
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

//go:embed mount-origin
var mountOrigin embed.FS

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "--h2-prior-knowledge", Help: "also accept cleartext HTTP/2 (h2c) from clients that start with its preface"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole example; tests call it with "--port 0" and a ready hook.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port: o.Int("--port"),
			// One mount: the URL space "/" is the folder of files, with
			// index.html for directories (lws's struct lws_http_mount).
			Mounts: []lws.Mount{{
				Mountpoint:     "/",
				OriginFS:       origin,
				Def:            "index.html",
				OriginProtocol: lws.OriginFile,
			}},
			ErrorDocument404: "/404.html",
			Options:          lws.OptionHTTPHeadersSecurity,
		},
	}
	if o.Has("--h2-prior-knowledge") {
		info.Options |= lws.OptionH2PriorKnowledge
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal http server | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
