// Command minimal-ws-server-timer is lws's minimal-ws-server-timer in Go: a
// soak test of per-connection timers. Connections on the "timer" protocol
// send nothing; each re-arms its TIMER every 20 s and pushes its 60 s
// timeout back (protocol_timer.go). The page at http://localhost:7681 just
// connects.
//
//	go run . [--port <port>] [-s] [-h] [-v] [-d <loglevel>]
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

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "-s", Help: "serve https/wss with the localhost-100y certificate the example carries"},
	{Name: "-h", Help: "strict Host: check: refuse ws upgrades whose Host: is not this vhost"},
	{Name: "-v", Help: "validity: ping idle clients after 3 s, hang up after 10 s"},
}

func main() {
	// Ctrl-C cancels ctx; Run then closes every connection.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil, nil) })
}

// run is the whole example; tests call it with "--port 0", shorter timer
// periods (as per-vhost options) and a ready hook that receives the context.
func run(ctx context.Context, o *cmdline.Values, timing map[string]string, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())

	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Name: "localhost",
			Port: o.Int("--port"),
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
	if o.Has("-s") {
		logs.Userf(log, "Server using TLS")
		info.TLS = lws.TLSInfo{CertMem: certPEM, KeyMem: keyPEM}
	}
	if o.Has("-h") {
		info.Options |= lws.OptionVhostUpgStrictHost
	}
	if o.Has("-v") {
		info.RetryPolicy = &lws.RetryBackoff{SecsSinceValidPing: 3, SecsSinceValidHangup: 10}
	}

	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal ws server timer | visit http://localhost:%d (-s = use TLS / https)", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
