// Command minimal-ws-client-pmd-bulk is lws's minimal-ws-client-pmd-bulk in
// Go, the counterpart of ws-server/minimal-ws-server-pmd-bulk: it sends the
// 133,700-byte message in 1 KB fragments and checks the server's, with
// permessage-deflate unless -n; it exits 0 once both directions are done
// (protocol_lws_minimal_pmd_bulk_client.go).
//
//	go run ./ws-server/minimal-ws-server-pmd-bulk &
//	go run ./ws-client/minimal-ws-client-pmd-bulk [-n] [-c]
//
// -c (compressible text) must match the server's; -s <server> and -p
// <port> (not in lws) reach another server than localhost:7681.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var errIncomplete = errors.New("pmd-bulk: the message did not go both ways intact")

func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws client + permessage-deflate + multifragment bulk message")
	text := "0"
	if cmdline.Has(args, "-c") {
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
	server, ok := cmdline.Option(args, "-s")
	if !ok || server == "" {
		server = "localhost"
	}
	if _, err := c.ClientConnect(lws.ClientConnectInfo{
		Address: server, Port: cmdline.Int(args, "-p", 7681), Path: "/", Host: server, Origin: server,
		Protocol: "lws-minimal-pmd-bulk", Deflate: !cmdline.Has(args, "-n"),
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
