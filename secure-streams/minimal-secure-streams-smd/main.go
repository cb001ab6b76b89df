// Command minimal-secure-streams-smd is lws's minimal-secure-streams-smd in
// Go: Secure Streams bridged to System Message Distribution (package
// lws/smd). A direct bus participant sees every class; a Secure Stream of
// the built-in type "_lws_smd" sees only SYSTEM_STATE and NETWORK and sends
// alternating NETWORK / INTERACTION messages every 250 ms (ss_smd.go).
// After 4 s the counts are checked as lws checks them.
//
//	go run ./secure-streams/minimal-secure-streams-smd
//
// Its only switches are lws's builtins; --help lists them.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/smd"
	"github.com/lws-go/lws-go/lws/ss"
)

//go:embed policy.json
var policyJSON []byte

// switches are the command line: only lws's builtins (-d, --help).
var switches = cmdline.Switches{}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFailed = errors.New("minimal-secure-streams-smd: too few messages")

func run(ctx context.Context, o *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS Secure Streams SMD test client [-d<verb>]")
	policy, err := ss.ParsePolicy(policyJSON)
	if err != nil {
		return err
	}
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Port: lws.PortNoListen}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	bus := smd.New(c)
	var streams *ss.Streams
	n := &counts{}
	// lws's early_smd_cb: a participant from context creation, all classes.
	bus.Register(smd.All, direct(bus, func() *ss.Streams { return streams }, n, func(f string, a ...any) { logs.Noticef(log, f, a...) }))
	if streams, err = ss.New(c, ss.Options{Policy: policy, SMD: bus}); err != nil {
		c.Destroy()
		return err
	}
	// The test's length, as lws's: 4 s.
	var timeout lws.Sul
	c.Schedule(&timeout, 4*time.Second, func(*lws.Sul) { c.Stop() })
	if err := c.Run(ctx); err != nil {
		return err
	}
	logs.Noticef(log, "%d %d %d", n.ssRx, n.directRx, n.tx)
	if n.ssRx < 2 || n.directRx < 15 || n.tx < 5 {
		logs.Userf(log, "Completed: failed")
		return errFailed
	}
	logs.Userf(log, "Completed: OK")
	return nil
}
