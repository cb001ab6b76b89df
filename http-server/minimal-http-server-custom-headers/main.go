// Command minimal-http-server-custom-headers is lws's
// minimal-http-server-custom-headers in Go: the "http" protocol
// (protocol_http.go) answers /dyn/... with what the client sent in the
// DNT header, one lws has no token for, read with the custom-header API.
// Two vhosts: "http" on http://localhost:7681 and TLS "https" on
// https://localhost:7682.
//
//	go run . [--port <port>] [--tls-port <port>] [-d <loglevel>]
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
	{Name: "--tls-port", Kind: cmdline.Int, Arg: "port", Default: "7682", Help: "port of the TLS vhost \"https\" (0: any free port)", Max: 65535},
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
	mounts := []lws.Mount{
		{Mountpoint: "/dyn", Protocol: "http", OriginProtocol: lws.OriginCallback},
		{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	vhosts := []lws.VhostInfo{
		{Name: "http", Port: o.Int("--port")},
		{Name: "https", Port: o.Int("--tls-port"), TLS: lws.TLSInfo{CertMem: certPEM, KeyMem: keyPEM}},
	}
	for _, info := range vhosts {
		info.Protocols = []*lws.Protocol{ProtocolHTTP}
		info.Mounts = mounts
		info.ErrorDocument404 = "/404.html"
		info.Options = lws.OptionHTTPHeadersSecurity
		if _, err := c.CreateVhost(info); err != nil {
			c.Destroy()
			return fmt.Errorf("failed to create vhost %s: %w", info.Name, err)
		}
	}
	logs.Userf(log, "LWS minimal http server custom headers | visit http://localhost:%d or https://localhost:%d", c.Vhosts()[0].Port(), c.Vhosts()[1].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
