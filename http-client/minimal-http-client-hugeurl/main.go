// Command minimal-http-client-hugeurl is lws's minimal-http-client-hugeurl
// in Go: a GET for "/?fakeparam=" followed by 2,000 zeros, to check that
// long request lines pass (protocol_http.go); exit 0 only for a 200.
//
// lws's example asks warmcat.com; this one asks the workspace's test server:
//
//	go run ./test-apps/test-server &
//	go run ./http-client/minimal-http-client-hugeurl [--h1]
//
// -l uses TLS to localhost with self-signed allowed, -p sets the port.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
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

var errNot200 = errors.New("hugeurl: no 200 response")

// hugePath is lws's: a parameter of 2,000 zeros.
var hugePath = "/?fakeparam=" + strings.Repeat("0", 2000)

func run(ctx context.Context, args []string, logOut io.Writer) error {
	if cmdline.Builtin(args).IgnoreSigterm {
		// lws's CI passes --ignore-sigterm; Ctrl-C still stops the run.
		signal.Ignore(syscall.SIGTERM)
	}
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal http client hugeurl [-d<verbosity>] [-l] [--h1]")
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{
		Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolHTTP},
	}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	info := lws.ClientConnectInfo{
		Address: "localhost", Port: cmdline.Int(args, "-p", 7681), Path: hugePath, Host: "localhost",
		Origin: "localhost", Method: "GET", LocalProtocolName: "http",
	}
	if cmdline.Has(args, "-l") {
		info.SSLConnection = lws.UseSSL | lws.AllowSelfSigned
	}
	if cmdline.Has(args, "--h1") {
		info.ALPN = "http/1.1"
	}
	if _, err := c.ClientConnect(info); err != nil {
		c.Destroy()
		return fmt.Errorf("client connect: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if v, _ := c.Vhosts()[0].ProtocolData(ProtocolHTTP).(*hugeVhd); v == nil || v.failed || v.status != 200 {
		logs.Userf(log, "Completed: failed")
		return errNot200
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
