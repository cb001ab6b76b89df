// Command minimal-ws-client-pmd-bulk is lws's minimal-ws-client-pmd-bulk in
// Go, the counterpart of ws-server/minimal-ws-server-pmd-bulk: it sends the
// 133,700-byte message in 1 KB fragments and checks the server's, with
// permessage-deflate unless -n; it exits 0 once both directions are done
// (protocol_lws_minimal_pmd_bulk_client.go).
//
//	go run ./ws-server/minimal-ws-server-pmd-bulk &
//	go run ./ws-client/minimal-ws-client-pmd-bulk [-n] [-c]
//
// -c (compressible text) must match the server's; --help lists the
// switches.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-n", Help: "no permessage-deflate"},
	{Name: "-c", Help: "send compressible text instead of random bytes (the server must match)"},
	{Name: "-s", Kind: cmdline.String, Arg: "server", Default: "localhost", Help: "server to connect to"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Max: 65535},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errIncomplete = errors.New("pmd-bulk: the message did not go both ways intact")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal ws client + permessage-deflate + multifragment bulk message")
	text := "0"
	if o.Has("-c") {
		text = "1"
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      lws.PortNoListen,
		Protocols: []*lws.Protocol{ProtocolPmdBulkClient},
		PVO:       lws.PVO{"lws-minimal-pmd-bulk": {"text": text}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	server := o.String("-s")
	if _, err := c.ClientConnect(lws.ClientConnectInfo{
		Address: server, Port: o.Int("-p"), Path: "/", Host: server, Origin: server,
		Protocol: "lws-minimal-pmd-bulk", Deflate: !o.Has("-n"),
	}); err != nil {
		c.Destroy()
		return fmt.Errorf("client connect: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if v, _ := c.Vhosts()[0].ProtocolData(ProtocolPmdBulkClient).(*clientVhd); v == nil || !v.complete {
		logs.Userf(log, "Completed: failed")
		return errIncomplete
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
