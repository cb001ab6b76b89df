// Command minimal-raw-vhost is lws's minimal-raw-vhost in Go: a vhost
// whose listener speaks no HTTP at all. Every connection accepted on port
// 7681 is a raw socket bound to the "raw-test" protocol
// (protocol_raw.go); whatever one client sends is written to every
// connected client.
//
//	go run . [--port <port>] [-d <loglevel>]
//
// Try it with `nc localhost 7681` in two terminals. --help lists the
// switches.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681),
}

func main() {
	// Ctrl-C cancels ctx; Run then closes every connection.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole example; tests call it with "--port 0" and a ready hook
// that receives the context once it listens.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	logs.Userf(log, "LWS minimal raw vhost | nc localhost %d", o.Int("--port"))

	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      o.Int("--port"),
			Protocols: []*lws.Protocol{ProtocolRawTest},
			// LWS_SERVER_OPTION_ONLY_RAW: the listener adopts every
			// accepted socket as raw-skt with the vhost's first protocol
			// (listen_accept_protocol) instead of speaking HTTP.
			Options: lws.OptionOnlyRaw,
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
