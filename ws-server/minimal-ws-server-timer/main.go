// Command minimal-ws-server-timer is lws's minimal-ws-server-timer in Go: a
// soak test of per-connection timers. Connections on the "timer" protocol
// send nothing; each re-arms its TIMER every 20 s and pushes its 60 s
// timeout back (protocol_timer.go). The page at http://localhost:7681 just
// connects.
//
//	go run . [-d <loglevel>] [-s] [-h] [-v]
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
	if err := run(ctx, os.Args, 7681, nil, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole example; tests call it with port 0, shorter timer
// periods (as per-vhost options) and a ready hook that receives the context.
func run(ctx context.Context, args []string, port int, timing map[string]string, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws server timer | visit http://localhost:7681 (-s = use TLS / https)")

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
			Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolTimer},
			Mounts: []lws.Mount{{
				Mountpoint:     "/",
				OriginFS:       origin,
				Def:            "index.html",
				OriginProtocol: lws.OriginFile,
			}},
			Options: lws.OptionHTTPHeadersSecurity,
			PVO:     lws.PVO{"timer": timing},
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
