// Command minimal-http-server-form-get is lws's
// minimal-http-server-form-get in Go: a page with a form that is submitted
// with GET to /form1; the "http" protocol (protocol_http.go) logs the
// form's URL arguments by name and redirects to after-form1.html.
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
			Port:      o.Int("--port"),
			Protocols: []*lws.Protocol{ProtocolHTTP},
			Mounts: []lws.Mount{
				// The form's target. lws reaches its "http" callback
				// when the file mount has no /form1; here a callback
				// mount says so outright (lws's LWSMPRO_CALLBACK, the
				// alternative its form examples suggest).
				{Mountpoint: "/form1", Protocol: "http", OriginProtocol: lws.OriginCallback},
				{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
			},
			ErrorDocument404: "/404.html",
			Options:          lws.OptionHTTPHeadersSecurity,
		},
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal http server GET | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
