// Command minimal-http-server-form-post-lwsac is lws's
// minimal-http-server-form-post-lwsac in Go: form-post, with the parsed
// values kept in an lwsac, an arena of 512-byte chunks, that the "http"
// protocol (protocol_http.go) frees in one go once it has used them.
//
//	go run . [--port <port>] [-s] [-d <loglevel>]
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
				{Mountpoint: "/form1", Protocol: "http", OriginProtocol: lws.OriginCallback},
				{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
			},
			ErrorDocument404: "/404.html",
			Options:          lws.OptionHTTPHeadersSecurity,
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
	logs.Userf(log, "LWS minimal http server POST | visit %s://localhost:%d", scheme, c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
