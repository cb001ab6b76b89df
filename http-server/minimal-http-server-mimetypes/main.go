// Command minimal-http-server-mimetypes is lws's
// minimal-http-server-mimetypes in Go: a file mount taught an extra
// suffix-to-type binding (".bz2" is "application/x-bzip2"), so it serves
// test.tar.bz2, which lws's own table does not cover and would refuse.
// The same folder mounted at /plain without the extra type refuses it.
//
//	go run . [--port <port>] [-d <loglevel>]
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
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
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run is the whole example; tests pass "--port 0", a log writer and a
// ready hook.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, o.LogLevel())

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port: o.Int("--port"),
			Mounts: []lws.Mount{
				{
					Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile,
					// lws's extra_mimetypes pvo list: suffix → type,
					// for this mount only.
					ExtraMimetypes: map[string]string{".bz2": "application/x-bzip2"},
				},
				// The same files with lws's table alone.
				{Mountpoint: "/plain", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
			},
			ErrorDocument404: "/404.html",
			Options:          lws.OptionHTTPHeadersSecurity,
		},
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal http server mimetypes | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
