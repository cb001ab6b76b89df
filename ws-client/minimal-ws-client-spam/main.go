// Command minimal-ws-client-spam is lws's minimal-ws-client-spam in Go:
// connection churn. It keeps -c connections (3, at most 200) to an
// lws-mirror-protocol server open at a time, each sending "hello N" and
// closing itself, until -l connections (15) have been made; it exits 0 only
// if all of them were made and closed cleanly (protocol_lws_spam.go).
//
//	go run ./test-apps/test-server &
//	go run ./ws-client/minimal-ws-client-spam [-c 50] [-l 5000]
//
// lws's example spams libwebsockets.org over TLS; this one defaults to the
// workspace's test server on localhost:7681 without TLS. --server <host>
// picks another server and, as in lws, turns on TLS allowing a self-signed
// certificate; -n turns TLS off again; --port sets the port.
package main

import (
	"context"
	"errors"
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

// errIncomplete is lws's non-zero exit: not every connection was made and
// closed cleanly.
var errIncomplete = errors.New("spam: not every connection was made and closed cleanly")

func run(ctx context.Context, args []string, logOut io.Writer) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal ws client SPAM")

	server, custom := cmdline.Option(args, "--server")
	if !custom || server == "" {
		server = "localhost"
	}
	var flags lws.ClientSSL
	if custom && !cmdline.Has(args, "-n") {
		flags = lws.UseSSL | lws.AllowSelfSigned
	}
	concurrent := cmdline.Int(args, "-c", 3)
	if concurrent < 1 || concurrent > 200 {
		return fmt.Errorf("-c %d: concurrent connections must be 1 to 200", concurrent)
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:      lws.PortNoListen,
			Protocols: []*lws.Protocol{ProtocolSpam},
			PVO: lws.PVO{"lws-mirror-protocol": {
				"address":    server,
				"port":       strconv.Itoa(cmdline.Int(args, "--port", 7681)),
				"ssl-flags":  strconv.Itoa(int(flags)),
				"concurrent": strconv.Itoa(concurrent),
				"limit":      strconv.Itoa(cmdline.Int(args, "-l", 15)),
			}},
		},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if !spamCompleted(c.Vhosts()[0], ProtocolSpam) {
		return errIncomplete
	}
	logs.Userf(log, "Completed")
	return nil
}
