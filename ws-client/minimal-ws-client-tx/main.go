// Command minimal-ws-client-tx is lws's minimal-ws-client-tx in Go: the
// publisher for ws-server/minimal-ws-broker. Two producer goroutines feed
// a ring; the loop sends what they made to ws://localhost:7681/publisher
// (protocol_lws_minimal_broker_client.go), reconnecting a second after
// any close.
//
//	go run ./ws-server/minimal-ws-broker &
//	go run ./ws-client/minimal-ws-client-tx
//
// It runs until Ctrl-C and exits 1 if nothing was published by then.
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
	{Name: "-s", Kind: cmdline.String, Arg: "server", Default: "localhost", Help: "broker to publish to"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "broker port", Max: 65535},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// errNothingSent is the failure: the run ended before one message was
// published.
var errNothingSent = errors.New("ws client tx: nothing was published")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal ws client tx")
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port:      lws.PortNoListen,
		Protocols: []*lws.Protocol{ProtocolBrokerClient},
		PVO:       lws.PVO{"lws-minimal-broker": {"address": o.String("-s"), "port": o.String("-p")}},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	n := published(c.Vhosts()[0], ProtocolBrokerClient)
	logs.Userf(log, "published %d messages", n)
	if n == 0 {
		return errNothingSent
	}
	return nil
}
