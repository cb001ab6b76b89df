// Command minimal-ws-server-pmd-bulk is lws's minimal-ws-server-pmd-bulk in
// Go: on connect it sends a 133,700-byte message in 1 KB fragments and
// checks the same message coming back, with permessage-deflate on unless -n
// (protocol_lws_minimal_pmd_bulk.go). Its peers are the page at
// http://localhost:7681 and ws-client/minimal-ws-client-pmd-bulk.
//
//	go run . [-d <loglevel>] [-n] [-c] [-b] [-p <port>]
//
// -c sends compressible text instead of random bytes, -b sends the message
// as one write; -p (not in lws) moves the port from 7681.
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

//go:embed mount-origin
var mountOrigin embed.FS

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func flag(args []string, sw string) string {
	if cmdline.Has(args, sw) {
		return "1"
	}
	return "0"
}

func run(ctx context.Context, args []string, ready func(*lws.Context)) error {
	log := logs.New(os.Stderr, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws server + permessage-deflate | visit http://localhost:7681")
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      cmdline.Int(args, "-p", 7681),
		Protocols: []*lws.Protocol{{Name: "http", Callback: lws.HTTPDummy}, ProtocolPmdBulk},
		Mounts:    []lws.Mount{{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile}},
		Options:   lws.OptionHTTPHeadersSecurity,
		Deflate:   !cmdline.Has(args, "-n"), // lws's extensions table
		PVO:       lws.PVO{"lws-minimal-pmd-bulk": {"text": flag(args, "-c"), "blob": flag(args, "-b")}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
