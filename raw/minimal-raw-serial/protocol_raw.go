// The "raw-test" protocol of lws's minimal-raw-serial: open a tty at
// PROTOCOL_INIT, put it in 115200 8N1 raw mode, adopt it, hexdump what it
// reads and write a line every 2 s. It builds as a plugin too; the device
// comes in the "file" per-vhost option.
package main

import (
	"fmt"
	"syscall"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
	"github.com/lws-go/lws-go/lws/tty"
)

// serialVhd is the per-vhost data: the tty's connection and the timer
// that asks for a writeable callback every 2 s (lws's sul in its vhd).
type serialVhd struct {
	conn *lws.Conn
	tick lws.Sul
}

// line is what lws writes every couple of seconds.
var line = []byte("hello-this-is-written-every-couple-of-seconds\r\n")

func callbackRawTest(c *lws.Conn, reason lws.Reason, _ any, _ []byte) error {
	vhd, _ := c.ProtocolData().(*serialVhd)
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		vhd = &serialVhd{}
		c.SetProtocolData(vhd)
		path := c.Options()["file"]
		fd, err := syscall.Open(path, syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("unable to open %s: %w", path, err)
		}
		// Enforce a suitable tty state: 115200 8N1, raw (no line
		// editing, echo, signals or translations), a read returns as
		// soon as one byte is there.
		if err := tty.MakeRaw(fd, 115200); err != nil { // lws: tcsetattr, 115200 8N1 raw
			syscall.Close(fd)
			return fmt.Errorf("%s: %w", path, err)
		}
		if vhd.conn, err = c.Vhost().AdoptDescriptor(lws.AdoptRawFileDesc, fd, "raw-test", nil); err != nil {
			return fmt.Errorf("failed to adopt %s: %w", path, err)
		}

	case lws.ReasonRawAdoptFile:
		log.Info("LWS_CALLBACK_RAW_ADOPT_FILE")
		vhd.conn = c
		c.Context().Schedule(&vhd.tick, 0, vhd.every2s)

	case lws.ReasonRawRxFile:
		log.Info("LWS_CALLBACK_RAW_RX_FILE")
		buf := make([]byte, 1024)
		n, err := syscall.Read(c.Descriptor(), buf)
		if err == syscall.EAGAIN {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s failed: %w", c.Options()["file"], err)
		}
		if n == 0 {
			return fmt.Errorf("%s ended", c.Options()["file"])
		}
		logs.Hexdump(log, logs.LevelNotice, buf[:n])

	case lws.ReasonRawCloseFile:
		log.Info("LWS_CALLBACK_RAW_CLOSE_FILE")
		c.Context().CancelSul(&vhd.tick)
		vhd.conn = nil

	case lws.ReasonRawWriteableFile:
		log.Info("LWS_CALLBACK_RAW_WRITEABLE_FILE")
		if _, err := c.Write(line, lws.WriteRaw); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return nil
}

// every2s asks for a writeable callback and comes back in 2 s.
func (v *serialVhd) every2s(s *lws.Sul) {
	if v.conn == nil {
		return
	}
	v.conn.CallbackOnWritable()
	v.conn.Context().Schedule(s, 2*time.Second, v.every2s)
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
