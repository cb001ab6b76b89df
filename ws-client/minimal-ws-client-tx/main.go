// Command minimal-ws-client-tx is lws's minimal-ws-client-tx in Go: the
// publisher for ws-server/minimal-ws-broker. Two producer goroutines feed
// a ring; the loop sends what they made to ws://localhost:7681/publisher
// (protocol_lws_minimal_broker_client.go), reconnecting a second after
// any close.
//
//	go run ./ws-server/minimal-ws-broker &
//	go run ./ws-client/minimal-ws-client-tx
//
// -s <server> and -p <port> reach another broker.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
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

func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws client tx")
	server, ok := cmdline.Option(args, "-s")
	if !ok || server == "" {
		server = "localhost"
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      lws.PortNoListen,
		Protocols: []*lws.Protocol{ProtocolBrokerClient},
		PVO: lws.PVO{"lws-minimal-broker": {
			"address": server,
			"port":    strconv.Itoa(cmdline.Int(args, "-p", 7681)),
		}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	return c.Run(ctx)
}
