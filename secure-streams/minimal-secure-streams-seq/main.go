// Command minimal-secure-streams-seq is lws's minimal-secure-streams-seq in
// Go: a Secure Stream owned by a sequencer (package lws/seq), which creates
// it and receives its state changes as events; the exit status is 0 when
// the whole reply arrived (sequence.go).
//
// lws's example talks to warmcat.com; this one talks to the workspace's
// test server over TLS, whose certificate is the policy's trust store, so
// it works offline:
//
//	go run ./test-apps/test-server -s &
//	go run ./secure-streams/minimal-secure-streams-seq [-f] [--h1post]
//
// The switches are lws's; --help lists them.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/seq"
	"github.com/lws-go/lws-go/lws/ss"
)

//go:embed policy.json
var policyJSON []byte

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-f", Help: "use \"mintest-fail\" (port 22): watch the backoff until all retries fail"},
	{Name: "--h1post", Help: "use \"minpost\": an h1 POST of a form to /formtest"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

var errFailed = errors.New("minimal-secure-streams-seq: the sequence failed")

// run is the whole example; tests pass an overlay to point the policy at
// their server.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, overlay []byte) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal secure streams [-d<verbosity>][-f][--h1post]")
	policy, err := ss.ParsePolicy(policyJSON)
	if err != nil {
		return err
	}
	if overlay != nil {
		if err := policy.Overlay(overlay); err != nil {
			return err
		}
	}
	m := &myseq{streamtype: "mintest"}
	switch {
	case o.Has("-f"):
		m.streamtype = "mintest-fail" // requested to fail, to check the backoff
	case o.Has("--h1post"):
		m.streamtype = "minpost"
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	if m.streams, err = ss.New(c, ss.Options{Policy: policy}); err != nil {
		c.Destroy()
		return err
	}
	// The sequencer performs the steps of the test from inside the loop.
	if _, err := seq.New(c, seq.Info{Name: "min-sec-stream-seq", Callback: sequencerCallback, User: m}); err != nil {
		c.Destroy()
		return fmt.Errorf("failed to create sequencer: %w", err)
	}
	if err := c.Run(ctx); err != nil {
		return err
	}
	if !m.ok {
		logs.Userf(log, "Completed: failed")
		return errFailed
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
