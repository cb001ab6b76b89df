// Command minimal-ws-server-pmd-bulk is lws's minimal-ws-server-pmd-bulk in
// Go: on connect it sends a 133,700-byte message in 1 KB fragments and
// checks the same message coming back, with permessage-deflate on unless -n
// (protocol_lws_minimal_pmd_bulk.go). Its peers are the page at
// http://localhost:7681 and ws-client/minimal-ws-client-pmd-bulk.
//
//	go run . [--port <port>] [-n] [-c] [-b] [-d <loglevel>]
//
// --help lists the switches.
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

//go:embed mount-origin
var mountOrigin embed.FS

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681, "-p"), // -p is not lws's spelling here, but tools/wsbench uses it
	{Name: "-n", Help: "no permessage-deflate"},
	{Name: "-c", Help: "send compressible text instead of random bytes (the client must match)"},
	{Name: "-b", Help: "send the message as one write instead of 1 KB fragments"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// pvo is a switch as the protocol's per-vhost option: "1" or "0".
func pvo(o *cmdline.Values, sw string) string {
	if o.Has(sw) {
		return "1"
	}
	return "0"
}

// run is the whole example; tests pass "--port 0" and a ready hook.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      o.Int("--port"),
		Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolPmdBulk},
		Mounts:    []lws.Mount{{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile}},
		Options:   lws.OptionHTTPHeadersSecurity,
		Deflate:   !o.Has("-n"), // lws's extensions table
		PVO:       lws.PVO{"lws-minimal-pmd-bulk": {"text": pvo(o, "-c"), "blob": pvo(o, "-b")}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal ws server + permessage-deflate | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
