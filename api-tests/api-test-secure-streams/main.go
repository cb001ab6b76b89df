// Command api-test-secure-streams is lws's api-test-secure-streams in Go:
// three Secure Streams against httpbin, one after the other: a GET of /get
// (the peer must ACK, the body end with EOM and hold at least 200 bytes), a
// GET of /status/404 (the peer must NACK), and a POST of 4096 bytes of 0x55
// to /post (ACKed, echoed back). It prints "Completed: PASS" and exits 0
// only if all three behave.
//
// lws's test talks to httpbin.org; this one starts a stand-in for it on
// this machine (httpbin.go) with the workspace's localhost certificate,
// which is the policy's trust store, so it runs offline:
//
//	go run ./api-tests/api-test-secure-streams
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/ss"
)

//go:embed policy.json
var policyJSON []byte

// switches are the command line: only lws's builtins (-d, --help).
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFail = errors.New("api-test-secure-streams: FAIL")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS API Test - Secure Streams")
	port, stop, err := serveHTTPBin()
	if err != nil {
		return err
	}
	defer stop()
	policy, err := ss.ParsePolicy(policyJSON)
	if err != nil {
		return err
	}
	// Point the three streamtypes at the stand-in's port.
	for _, st := range []string{"httpbin_get", "httpbin_get404", "httpbin_post"} {
		if err := policy.Overlay([]byte(`{"s": [{"` + st + `": {"port": ` + strconv.Itoa(port) + `}}]}`)); err != nil {
			return err
		}
	}
	var streams *ss.Streams
	seq := &sequence{tests: tests}
	operational := func(c *lws.Context, current, target lws.SystemState) bool {
		if target == lws.StateOperational {
			seq.start(c, streams)
		}
		return false
	}
	c, err := lws.NewContext(lws.ContextInfo{
		Logger:    log,
		Notifiers: []lws.SystemNotifier{operational},
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if streams, err = ss.New(c, ss.Options{Policy: policy}); err != nil {
		c.Destroy()
		return err
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if !seq.passed {
		logs.Userf(log, "Completed: FAIL")
		return errFail
	}
	logs.Userf(log, "Completed: PASS")
	return nil
}
