// The "raw-test" protocol of lws's minimal-raw-netcat.c: one protocol on
// two connections, a raw socket and a raw file (stdin), told apart by the
// reasons they get. It builds as a plugin too.
package main

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

// netcatVhd is the per-vhost state lws keeps in statics: both
// connections, the one chunk of stdin waiting to go to the socket, and
// where the socket's data goes.
type netcatVhd struct {
	sock, stdin *lws.Conn
	buf         []byte
	waiting     int
	stdout      io.Writer
	waitMs      int
}

func callbackRawTest(c *lws.Conn, reason lws.Reason, _ any, in []byte) error {
	vhd, _ := c.ProtocolData().(*netcatVhd)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		c.SetProtocolData(&netcatVhd{buf: make([]byte, 4096), waitMs: 100})

	// stdin, a raw file.
	case lws.ReasonRawAdoptFile:
		logs.Userf(log, "LWS_CALLBACK_RAW_ADOPT_FILE")

	case lws.ReasonRawCloseFile:
		logs.Userf(log, "LWS_CALLBACK_RAW_CLOSE_FILE")
		vhd.stdin = nil
		// stdin ended: give the server -w ms for its last words, then
		// close the socket (its timer).
		if vhd.sock != nil {
			vhd.sock.SetTimer(time.Duration(vhd.waitMs) * time.Millisecond)
		} else {
			c.Context().Stop()
		}

	case lws.ReasonRawRxFile:
		logs.Userf(log, "LWS_CALLBACK_RAW_RX_FILE")
		n, err := syscall.Read(c.Descriptor(), vhd.buf)
		if err == syscall.EAGAIN {
			return nil
		}
		if err != nil {
			return fmt.Errorf("stdin: %w", err)
		}
		if n == 0 {
			return errors.New("stdin ended") // closes it: RAW_CLOSE_FILE
		}
		log.Info(fmt.Sprintf("raw file read %d", n)) // lwsl_notice
		vhd.waiting = n
		if vhd.sock != nil {
			vhd.sock.CallbackOnWritable()
		}
		// Read no more stdin until this chunk went to the socket: the
		// socket's pace is stdin's.
		c.RxFlowControl(false)

	// The socket, raw-skt.
	case lws.ReasonRawAdopt:
		logs.Userf(log, "LWS_CALLBACK_RAW_ADOPT")

	case lws.ReasonRawClose:
		logs.Userf(log, "LWS_CALLBACK_RAW_CLOSE")
		// The server went: drop any remaining stdin and end.
		vhd.sock = nil
		c.Context().Stop()

	case lws.ReasonRawRx:
		logs.Userf(log, "LWS_CALLBACK_RAW_RX (%d)", len(in))
		if _, err := vhd.stdout.Write(in); err != nil {
			return fmt.Errorf("stdout: %w", err)
		}

	case lws.ReasonRawWriteable:
		if vhd.waiting == 0 {
			return nil
		}
		logs.Userf(log, "LWS_CALLBACK_RAW_WRITEABLE")
		if vhd.stdin != nil {
			vhd.stdin.RxFlowControl(true)
		}
		if _, err := c.Write(vhd.buf[:vhd.waiting], lws.WriteRaw); err != nil {
			return fmt.Errorf("raw skt write failed: %w", err)
		}
		vhd.waiting = 0

	case lws.ReasonTimer:
		logs.Userf(log, "LWS_CALLBACK_TIMER")
		c.Context().Stop()
		return errors.New("done") // closes the socket
	}
	return nil
}

// ProtocolRawTest is the protocol table entry.
var ProtocolRawTest = &lws.Protocol{Name: "raw-test", Callback: callbackRawTest}

// LwsPlugin describes this file when it is built as a plugin.
var LwsPlugin = lws.Plugin{
	APIMagic:  lws.PluginAPIMagic,
	Name:      "raw-test",
	Protocols: []*lws.Protocol{ProtocolRawTest},
}

func init() { lws.RegisterPlugin(LwsPlugin) }
