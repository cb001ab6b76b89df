// The "raw-test" protocol of lws's minimal-raw-file.c: adopt a file at
// PROTOCOL_INIT and hexdump what it has to read. It builds as a plugin
// too; the file comes in the "file" per-vhost option.
package main

import (
	"fmt"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/logs"
)

func callbackRawTest(c *lws.Conn, reason lws.Reason, _ any, _ []byte) error {
	log := c.Context().Logger()

	switch reason {
	case lws.ReasonProtocolInit:
		path := c.Options()["file"]
		// O_RDWR, as lws opens it: on a FIFO this keeps a writer of our
		// own, so the file stays open while writers come and go.
		fd, err := syscall.Open(path, syscall.O_RDWR|syscall.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("unable to open %s: %w", path, err)
		}
		// lws_adopt_descriptor_vhost with LWS_ADOPT_RAW_FILE_DESC: the
		// descriptor joins the loop as role raw-file. The connection owns
		// it from now on and closes it when it closes.
		if _, err := c.Vhost().AdoptDescriptor(lws.AdoptRawFileDesc, fd, "raw-test", nil); err != nil {
			return fmt.Errorf("failed to adopt %s: %w", path, err)
		}

	case lws.ReasonRawAdoptFile:
		log.Info("LWS_CALLBACK_RAW_ADOPT_FILE") // lwsl_notice

	case lws.ReasonRawRxFile:
		// The core only says the file is readable; the protocol reads.
		log.Info("LWS_CALLBACK_RAW_RX_FILE")
		buf := make([]byte, 1024)
		n, err := syscall.Read(c.Descriptor(), buf)
		if err == syscall.EAGAIN {
			return nil // someone else read it first
		}
		if err != nil {
			return fmt.Errorf("reading %s failed: %w", c.Options()["file"], err)
		}
		if n == 0 {
			// Readable with nothing to read: the file ended (a tty whose
			// other side went away). Returning an error closes it.
			return fmt.Errorf("%s ended", c.Options()["file"])
		}
		logs.Hexdump(log, logs.LevelNotice, buf[:n])

	case lws.ReasonRawCloseFile:
		log.Info("LWS_CALLBACK_RAW_CLOSE_FILE")

	case lws.ReasonRawWriteableFile:
		// lws_callback_on_writable works on a file connection as usual;
		// write to c.Descriptor() here.
		log.Info("LWS_CALLBACK_RAW_WRITEABLE_FILE")
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
