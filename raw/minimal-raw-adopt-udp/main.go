// Command minimal-raw-adopt-udp is lws's minimal-raw-adopt-udp in Go: the
// application has lws create a UDP socket bound to port 7681 and adopt it
// into a vhost without a listener; every datagram is hexdumped and sent
// back to where it came from (protocol_raw.go).
//
//	go run . [--port <port>] [-d <loglevel>]
//
// Try it with `nc -u 127.0.0.1 7681`. --help lists the switches.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line. lws binds 7681 and has no switch for
// it; --port is the project's, for UDP here.
var switches = cmdline.Switches{
	{Name: "--port", Kind: cmdline.Int, Arg: "port", Default: "7681", Min: 0, Max: 65535,
		Help: "UDP port to bind (0: any free port)"},
}

func main() {
	// Ctrl-C cancels ctx; Run then closes the socket.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, nil) })
}

// run is the whole example; tests call it with "--port 0" and a ready hook
// that receives the adopted UDP connection once it is bound.
func run(ctx context.Context, o *cmdline.Values, ready func(*lws.Context, *lws.Conn)) error {
	log := logs.New(os.Stderr, o.LogLevel())
	logs.Userf(log, "LWS minimal raw adopt udp | nc -u 127.0.0.1 %d", o.Int("--port"))

	// LWS_SERVER_OPTION_EXPLICIT_VHOSTS: the context alone, then a vhost
	// with no listener (CONTEXT_PORT_NO_LISTEN_SERVER).
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	vh, err := c.CreateVhost(lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolRawTest}})
	if err != nil {
		c.Destroy()
		return fmt.Errorf("lws vhost creation failed: %w", err)
	}
	// lws_create_adopt_udp: our own "foreign" UDP socket bound to the
	// port, adopted with the raw-test protocol.
	udp, err := vh.CreateAdoptUDP("", o.Int("--port"), lws.CAUDPBind, ProtocolRawTest.Name)
	if err != nil {
		c.Destroy()
		return fmt.Errorf("foreign socket adoption failed: %w", err)
	}
	logs.Userf(log, "bound to udp port %s", strconv.Itoa(int(udp.LocalAddr().Port())))
	if ready != nil {
		ready(c, udp)
	}
	return c.Run(ctx)
}
