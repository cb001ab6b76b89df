// Command minimal-raw-proxy is lws's minimal-raw-proxy in Go: every
// connection accepted on port 7681 is bound to the "raw-proxy" plugin,
// which relays it byte for byte to the "onward" address, 127.0.0.1:22 by
// default, so `ssh -p 7681 localhost` reaches the local sshd.
//
//	go run . [--port <port>] [-r ipv4:<addr>:<port>] [-d <loglevel>]
//
// --help lists the switches.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	_ "github.com/lws-go/lws-go/lws/plugins" // registers the raw-proxy plugin
)

// switches are lws's: -r names the onward address.
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "-r", Kind: cmdline.String, Arg: "ipv4:addr:port", Default: "ipv4:127.0.0.1:22", Help: "where to relay each connection (the raw-proxy onward pvo)"},
}

func main() {
	// Ctrl-C cancels ctx; Run then closes every connection.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole example; tests call it with "--port 0" and a ready hook
// that receives the context once it listens.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	logs.Userf(log, "LWS minimal raw proxy")

	// lws loads the plugin from its plugin dir; here it is linked in, and
	// looked up by name the same way.
	proxy, err := lws.LookupProtocol("raw-proxy")
	if err != nil {
		return fmt.Errorf("raw-proxy plugin required: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      o.Int("--port"),
			Protocols: []*lws.Protocol{proxy},
			// The plugin's per-vhost option: where to go.
			PVO: lws.PVO{"raw-proxy": {"onward": o.String("-r")}},
			// LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG: every
			// accepted socket is raw, bound to raw-proxy; no HTTP.
			Options:              lws.OptionAdoptApplyListenAcceptConfig,
			ListenAcceptProtocol: "raw-proxy",
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "relaying port %d to %s", c.Vhosts()[0].Port(), o.String("-r"))
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
