// Command minimal-ws-server is lws's minimal-ws-server in Go: it serves a
// chat page from an embedded mount-origin at http://localhost:7681 and runs
// the "lws-minimal" ws protocol (protocol_lws_minimal.go), in which text
// sent by any browser tab appears in all of them.
//
//	go run . [-d <loglevel>] [-s] [-h] [-v]
//
// -s serves https/wss with the localhost certificate the example carries,
// -h refuses ws upgrades whose Host: is not this vhost, -v pings idle
// clients after 3 s and hangs up after 10 s.
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

// The browser page and the test certificate are embedded, so `go run`
// works from any folder (lws serves ./mount-origin from the cwd).
var (
	//go:embed mount-origin
	mountOrigin embed.FS
	//go:embed localhost-100y.cert
	certPEM []byte
	//go:embed localhost-100y.key
	keyPEM []byte
)

func main() {
	// Ctrl-C cancels the context; Run then closes every connection.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, 7681, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole example; tests call it with port 0 and a ready hook that
// receives the context once it listens.
func run(ctx context.Context, args []string, port int, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws server | visit http://localhost:7681 (-s = use TLS / https)")

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Name: "localhost",
			Port: port,
			// By lws convention protocols[0] serves HTTP; the mount does the work.
			Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolLwsMinimal},
			Mounts: []lws.Mount{{
				Mountpoint:     "/",
				OriginFS:       origin,
				Def:            "index.html",
				OriginProtocol: lws.OriginFile,
			}},
			Options: lws.OptionHTTPHeadersSecurity,
		},
	}
	if cmdline.Has(args, "-s") {
		logs.Userf(log, "Server using TLS")
		info.TLS = lws.TLSInfo{CertMem: certPEM, KeyMem: keyPEM}
	}
	if cmdline.Has(args, "-h") {
		info.Options |= lws.OptionVhostUpgStrictHost
	}
	if cmdline.Has(args, "-v") {
		info.RetryPolicy = &lws.RetryBackoff{SecsSinceValidPing: 3, SecsSinceValidHangup: 10}
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
