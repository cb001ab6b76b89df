// Command minimal-http-server-form-post-file is lws's
// minimal-http-server-form-post-file in Go: a page with a form holding a
// text field and a file, POSTed to /form1 as multipart/form-data. The
// "http" protocol (protocol_http.go) streams the file to disk as it
// arrives, under a sanitised name in the upload folder, logs the fields
// and redirects.
//
//	go run . [--port <port>] [--dir <folder>] [--max-upload <bytes>] [-d <loglevel>]
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

//go:embed mount-origin
var mountOrigin embed.FS

// switches are the command line: lws's names and defaults (lws_switches),
// and where uploads go and how big they may be.
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "--dir", Kind: cmdline.String, Arg: "folder", Default: ".", Help: "folder the uploaded files are written to (lws: the current one)"},
	{Name: "--max-upload", Kind: cmdline.Int, Arg: "bytes", Default: "10485760", Help: "largest file accepted; a bigger one is refused with 413", Min: 1, Max: 1 << 40},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run is the whole example; tests pass "--port 0 --dir <tmp>", a log
// writer and a ready hook.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, o.LogLevel())

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      o.Int("--port"),
			Protocols: []*lws.Protocol{ProtocolHTTP},
			Mounts: []lws.Mount{
				{Mountpoint: "/form1", Protocol: "http", OriginProtocol: lws.OriginCallback},
				{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
			},
			ErrorDocument404: "/404.html",
			Options:          lws.OptionHTTPHeadersSecurity,
			// The protocol's settings reach it as per-vhost options.
			PVO: lws.PVO{"http": {
				"upload-dir": o.String("--dir"),
				"max-upload": strconv.Itoa(o.Int("--max-upload")),
			}},
		},
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal http server POST file | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
