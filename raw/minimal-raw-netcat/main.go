// Command minimal-raw-netcat is lws's minimal-raw-netcat in Go: a netcat
// made of two adopted descriptors, a TCP socket the program connected and
// its own stdin (protocol_raw.go). What is typed goes to the server, what
// the server sends goes to stdout; the program ends when the server
// closes, or -w ms after stdin ends. lws connects to libwebsockets.org:80;
// this one to a server on this machine (the test server by default).
//
//	go run . [--server <host>] [--port <port>] [-w <ms>] [-d <loglevel>]
//
// --help lists the switches.
package main

import (
	"context"
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

// switches are lws's: --port, --server, -w.
var switches = cmdline.Switches{
	{Name: "--server", Kind: cmdline.String, Arg: "host", Default: "localhost", Help: "server address to connect to"},
	{Name: "--port", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "port to connect to", Min: 1, Max: 65535},
	{Name: "-w", Kind: cmdline.Int, Arg: "ms", Default: "100", Help: "how long to wait for the server's last words after stdin ends", Min: 0, Max: 3600000},
}

func main() {
	// Ctrl-C cancels ctx; Run then closes both descriptors.
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error {
		return run(ctx, o, int(os.Stdin.Fd()), os.Stdout, os.Stderr)
	})
}

// run is the whole example: stdin is the descriptor to read (the core
// owns it from now on), received data goes to stdout, the log to logOut.
func run(ctx context.Context, o *cmdline.Values, stdin int, stdout, logOut io.Writer) error {
	log := logs.New(logOut, o.LogLevel())
	logs.Userf(log, "LWS minimal raw netcat [--server ip] [--port port] [-w ms]")
	adopted := false
	defer func() {
		if !adopted {
			syscall.Close(stdin) // ours to close until the core took it
		}
	}()

	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	defer c.Destroy()
	vh, err := c.CreateVhost(lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolRawTest}})
	if err != nil {
		return fmt.Errorf("lws vhost creation failed: %w", err)
	}
	vhd := vh.ProtocolData(ProtocolRawTest).(*netcatVhd)
	vhd.stdout, vhd.waitMs = stdout, o.Int("-w")

	// Our own "foreign" socket, connected outside the loop.
	addr := net.JoinHostPort(o.String("--server"), strconv.Itoa(o.Int("--port")))
	logs.Userf(log, "Starting connect to %s...", addr)
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("unable to connect to %s: %w", addr, err)
	}
	logs.Userf(log, "Connected...")
	fd, err := ownDescriptor(conn.(*net.TCPConn))
	conn.Close()
	if err != nil {
		return fmt.Errorf("foreign socket: %w", err)
	}
	// Both descriptors join the loop: the socket as raw-skt, stdin as
	// raw-file (lws_adopt_descriptor_vhost with LWS_ADOPT_SOCKET, then
	// LWS_ADOPT_RAW_FILE_DESC on fd 0).
	if vhd.sock, err = vh.AdoptDescriptor(lws.AdoptSocket, fd, ProtocolRawTest.Name, nil); err != nil {
		return fmt.Errorf("foreign socket adoption failed: %w", err)
	}
	adopted = true // from here the core closes it, on success or failure
	if vhd.stdin, err = vh.AdoptDescriptor(lws.AdoptRawFileDesc, stdin, ProtocolRawTest.Name, nil); err != nil {
		return fmt.Errorf("stdin adoption failed: %w", err)
	}
	return c.Run(ctx)
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
