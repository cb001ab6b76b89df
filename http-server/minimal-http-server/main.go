// Command minimal-http-server is lws's minimal-http-server in Go, the
// suggested first example: it serves a folder of files (embedded here, so
// `go run` works from anywhere) at http://localhost:7681 with a custom 404
// page and lws's security headers.
//
//	go run . [-d <loglevel>] [--h2-prior-knowledge]
//
// --h2-prior-knowledge also accepts cleartext HTTP/2 (h2c) from clients
// that start with the HTTP/2 preface, such as curl --http2-prior-knowledge.
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

// run is the whole example; tests call it with port 0 and a ready hook.
func run(ctx context.Context, args []string, port int, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal http server | visit http://localhost:7681")

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port: port,
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
	if cmdline.Has(args, "--h2-prior-knowledge") {
		info.Options |= lws.OptionH2PriorKnowledge
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
