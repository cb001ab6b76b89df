// Command minimal-http-server-form-post is lws's
// minimal-http-server-form-post in Go: a page with a form POSTed to
// /form1, whose urlencoded body the "http" protocol (protocol_http.go)
// parses as it arrives with lws/spa, logs, and answers with a redirect.
//
//	go run . [--port <port>] [--303] [-s] [-d <loglevel>]
//
// --303 redirects with 303 See Other instead of 301; -s serves https with
// the localhost-100y certificate the example carries.
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

var (
	//go:embed mount-origin
	mountOrigin embed.FS
	//go:embed localhost-100y.cert
	certPEM []byte
	//go:embed localhost-100y.key
	keyPEM []byte
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "-s", Help: "use TLS / https (the localhost-100y certificate)"},
	{Name: "--303", Help: "redirect with 303 See Other instead of 301"},
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
				// The form's target goes to the "http" protocol
				// (LWSMPRO_CALLBACK), the rest is files.
				{Mountpoint: "/form1", Protocol: "http", OriginProtocol: lws.OriginCallback},
				{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
			},
			ErrorDocument404: "/404.html",
			Options:          lws.OptionHTTPHeadersSecurity,
			// The protocol's settings, as lws's example keeps them in
			// statics: the redirect status.
			PVO: lws.PVO{"http": {"redirect-status": "301"}},
		},
	}
	if o.Has("--303") {
		logs.Userf(log, "using 303 redirect")
		info.PVO["http"]["redirect-status"] = "303"
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
	logs.Userf(log, "LWS minimal http server POST | visit %s://localhost:%d", scheme, c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
