// Command minimal-http-server-tls is lws's minimal-http-server-tls in Go:
// the minimal http server over TLS at https://localhost:7681, with HTTP/2
// negotiated by ALPN (the page shows a badge when it arrived over h2).
//
//	go run . [--port <port>] [-h] [-d <loglevel>]
//
// The certificate is the self-signed localhost-100y pair the example
// carries (embedded); -h turns on the strict Host: check for upgrades.
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
	{Name: "-h", Help: "strict Host: check: refuse upgrades whose Host: is not this vhost"},
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
			// ssl_cert_filepath / ssl_private_key_filepath, from memory here.
			TLS: lws.TLSInfo{CertMem: certPEM, KeyMem: keyPEM},
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
	if o.Has("-h") {
		info.Options |= lws.OptionVhostUpgStrictHost
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal http server TLS | visit https://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
