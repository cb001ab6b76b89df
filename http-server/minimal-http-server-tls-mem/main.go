// Command minimal-http-server-tls-mem is lws's
// minimal-http-server-tls-mem in Go: two TLS vhosts whose certificate and
// key come from memory instead of files: "first" on https://localhost:7681
// from PEM text, "second" on https://localhost:7682 from DER bytes.
//
//	go run . [--port <port>] [--port2 <port>] [-h] [-d <loglevel>]
//
// -h turns on the strict Host: check for upgrades, as in lws.
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

	// PEM text, as lws's example keeps cert_pem and key_pem in strings.
	//go:embed localhost-100y.cert
	certPEM string
	//go:embed localhost-100y.key
	keyPEM string

	// DER bytes, as lws's example keeps cert_der and key_der in arrays
	// (made with: openssl x509 -outform DER, openssl pkey -outform DER).
	//go:embed localhost-100y.cert.der
	certDER []byte
	//go:embed localhost-100y.key.der
	keyDER []byte
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "--port2", Kind: cmdline.Int, Arg: "port", Default: "7682", Help: "port of the vhost \"second\" (0: any free port)", Max: 65535},
	{Name: "-h", Help: "strict Host: check: refuse upgrades whose Host: is not this vhost"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run is the whole example; tests pass "--port 0 --port2 0", a log writer
// and a ready hook.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, o.LogLevel())

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	vhosts := []lws.VhostInfo{
		// server_ssl_cert_mem / server_ssl_private_key_mem, PEM...
		{Name: "first", Port: o.Int("--port"), TLS: lws.TLSInfo{CertMem: []byte(certPEM), KeyMem: []byte(keyPEM)}},
		// ... and DER: the core tells them apart by content.
		{Name: "second", Port: o.Int("--port2"), TLS: lws.TLSInfo{CertMem: certDER, KeyMem: keyDER}},
	}
	for _, info := range vhosts {
		info.Mounts = []lws.Mount{{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile}}
		info.ErrorDocument404 = "/404.html"
		info.Options = lws.OptionHTTPHeadersSecurity
		if o.Has("-h") {
			info.Options |= lws.OptionVhostUpgStrictHost
		}
		if _, err := c.CreateVhost(info); err != nil {
			c.Destroy()
			return fmt.Errorf("failed to create tls vhost %s: %w", info.Name, err)
		}
	}
	logs.Userf(log, "LWS minimal http server TLS | visit https://localhost:%d or https://localhost:%d", c.Vhosts()[0].Port(), c.Vhosts()[1].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
