// Command minimal-raw-serial is lws's minimal-raw-serial in Go: it opens a
// serial device, sets it to 115200 8N1 raw mode, adopts it into the loop,
// hexdumps what arrives and writes a line to it every 2 s
// (protocol_raw.go).
//
//	go run . [-d <loglevel>] <serial device>
//
// --help lists the switches.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: lws's, and the file to monitor.
var switches = cmdline.Switches{
	{Name: "<serial device>", Kind: cmdline.Args, Help: "the tty to use, e.g. /dev/ttyUSB0"},
}

func main() {
	// Ctrl-C cancels ctx; Run then closes the file's connection.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run is the whole example, logging to out; tests call it with a ready
// hook that receives the context once the file is adopted.
func run(ctx context.Context, o *cmdline.Values, out io.Writer, ready func(*lws.Context)) error {
	if len(o.Args()) != 1 {
		return o.Errorf("give one serial device, e.g. /dev/ttyUSB0")
	}
	log := logs.New(out, o.LogLevel())
	logs.Userf(log, "LWS minimal raw serial")

	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      lws.PortNoListen, // no listen socket for the demo
			Protocols: []*lws.Protocol{ProtocolRawTest},
			// The file reaches the protocol as a per-vhost option, which
			// it opens and adopts at PROTOCOL_INIT.
			PVO: lws.PVO{ProtocolRawTest.Name: {"file": o.Args()[0]}},
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
