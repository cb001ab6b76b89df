// Command minimal-http-server-tls-80 is lws's minimal-http-server-tls-80
// in Go: two explicit vhosts, "localhost80" on port 80 whose one mount
// redirects everything to https, and TLS "localhost" on port 443 serving
// the pages.
//
//	go run . [--port <port>] [--tls-port <port>] [-d <loglevel>]
//
// Ports below 1024 need root (or CAP_NET_BIND_SERVICE); --port and
// --tls-port move both vhosts anywhere, and the redirect follows.
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

var (
	//go:embed mount-origin
	mountOrigin embed.FS
	//go:embed localhost-100y.cert
	certPEM []byte
	//go:embed localhost-100y.key
	keyPEM []byte
)

// switches are the command line: lws's ports, as flags so the example can
// run unprivileged.
var switches = cmdline.Switches{
	cmdline.Port(80),
	{Name: "--tls-port", Kind: cmdline.Int, Arg: "port", Default: "443", Help: "port of the TLS vhost \"localhost\" (0: any free port)", Max: 65535},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run is the whole example; tests pass "--port 0 --tls-port 0", a log
// writer and a ready hook.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, o.LogLevel())

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	logs.Userf(log, "LWS minimal http server TLS + 80 | visit http://localhost:%d", o.Int("--port"))
	logs.Userf(log, " Run as ROOT so can listen on 443 (or give --port and --tls-port above 1023)")
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	// The https vhost first, so that with --tls-port 0 the redirect can
	// name the port it got.
	tlsVh, err := c.CreateVhost(lws.VhostInfo{
		Name: "localhost",
		Port: o.Int("--tls-port"),
		TLS:  lws.TLSInfo{CertMem: certPEM, KeyMem: keyPEM},
		Mounts: []lws.Mount{
			{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
		},
		ErrorDocument404: "/404.html",
		Options:          lws.OptionHTTPHeadersSecurity,
	})
	if err != nil {
		c.Destroy()
		return fmt.Errorf("failed to create tls vhost: %w", err)
	}
	// lws's mount80: origin "localhost/", LWSMPRO_REDIR_HTTPS. The port
	// is named when it is not https's own.
	target := "localhost/"
	if p := tlsVh.Port(); p != 443 {
		target = "localhost:" + strconv.Itoa(p) + "/"
	}
	if _, err := c.CreateVhost(lws.VhostInfo{
		Name: "localhost80",
		Port: o.Int("--port"),
		Mounts: []lws.Mount{
			{Mountpoint: "/", Origin: target, Def: "/", OriginProtocol: lws.OriginRedirHTTPS},
		},
		Options: lws.OptionHTTPHeadersSecurity,
	}); err != nil {
		c.Destroy()
		return fmt.Errorf("failed to create port 80 vhost: %w", err)
	}
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
