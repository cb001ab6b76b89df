// Command minimal-raw-adopt-tcp is lws's minimal-raw-adopt-tcp in Go: the
// application connects a TCP socket itself ("foreign" to lws), then hands
// it to the loop as a raw socket of the "raw-test" protocol
// (protocol_raw.go), which sends an HTTP request and hexdumps the answer.
// lws connects to libwebsockets.org:80; this one asks a server on this
// machine (the test server by default: go run ./test-apps/test-server).
//
//	go run . [-s <server>] [-p <port>] [-d <loglevel>]
//
// --help lists the switches.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// switches are the command line: where to connect (lws has it fixed).
var switches = cmdline.Switches{
	{Name: "-s", Kind: cmdline.String, Arg: "server", Default: "localhost", Help: "server to connect to"},
	{Name: "-p", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port", Min: 1, Max: 65535},
}

func main() {
	// Ctrl-C cancels ctx; Run then closes the socket.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

// run is the whole example, logging to out. It ends when the server
// closes the connection: with an error if nothing came back.
func run(ctx context.Context, o *cmdline.Values, out io.Writer) error {
	log := logs.New(out, o.LogLevel())
	logs.Userf(log, "LWS minimal raw adopt tcp")

	// LWS_SERVER_OPTION_EXPLICIT_VHOSTS, then a vhost with no listener.
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	defer c.Destroy()
	vh, err := c.CreateVhost(lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolRawTest}})
	if err != nil {
		return fmt.Errorf("lws vhost creation failed: %w", err)
	}

	// Connect our own "foreign" socket. Normally ClientConnect does this
	// inside the loop; the point here is a socket made elsewhere.
	addr := net.JoinHostPort(o.String("-s"), strconv.Itoa(o.Int("-p")))
	logs.Userf(log, "Starting connect...")
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("unable to connect to %s: %w", addr, err)
	}
	logs.Userf(log, "Connected...")
	fd, err := ownDescriptor(conn.(*net.TCPConn))
	conn.Close() // the duplicate is all the loop needs
	if err != nil {
		return fmt.Errorf("foreign socket: %w", err)
	}
	// lws_adopt_descriptor_vhost with LWS_ADOPT_SOCKET: the socket joins
	// the loop as role raw-skt.
	if _, err := vh.AdoptDescriptor(lws.AdoptSocket, fd, ProtocolRawTest.Name, nil); err != nil {
		return fmt.Errorf("foreign socket adoption failed: %w", err)
	}
	received = 0
	if err := c.Run(ctx); err != nil {
		return err
	}
	if ctx.Err() == nil && received == 0 {
		return errors.New("the server closed the connection without answering")
	}
	return nil
}

// ownDescriptor duplicates the socket's descriptor, as a C program that
// called socket() and connect() itself would hold it.
func ownDescriptor(tc *net.TCPConn) (int, error) {
	rc, err := tc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var derr error
	if err := rc.Control(func(s uintptr) {
		if fd, derr = syscall.Dup(int(s)); derr == nil {
			syscall.CloseOnExec(fd)
		}
	}); err != nil {
		return -1, err
	}
	return fd, derr
}
