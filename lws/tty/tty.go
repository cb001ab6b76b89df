//go:build linux || darwin || freebsd || netbsd || openbsd

// Package tty puts a serial line in raw mode, as lws's minimal-raw-serial
// does with tcgetattr/tcsetattr before it adopts the descriptor
// (lws_adopt_descriptor_vhost with LWS_ADOPT_RAW_FILE_DESC): no line
// discipline, no echo, no flow control, 8 data bits, no parity, one stop
// bit, at the speed asked for.
package tty

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// MakeRaw sets fd to raw mode 8N1 at baud (only 115200 is known on
// Linux here, lws's speed), reads returning as soon as one byte is there
// (VMIN 1, VTIME 0). It fails if fd is not a tty.
func MakeRaw(fd int, baud int) error {
	t, err := unix.IoctlGetTermios(fd, getTermios)
	if err != nil {
		return fmt.Errorf("not a tty: %w", err)
	}
	t.Lflag &^= unix.ISIG | unix.ICANON | unix.IEXTEN | unix.ECHO | unix.ECHOE | unix.ECHOK | unix.ECHONL | unix.ECHOCTL | unix.ECHOKE
	t.Iflag &^= unix.INLCR | unix.IGNBRK | unix.IGNPAR | unix.IGNCR | unix.ICRNL | unix.IMAXBEL | unix.IXON | unix.IXOFF | unix.IXANY | unix.ISTRIP | unix.PARMRK
	t.Oflag = 0
	t.Cflag &^= unix.CSIZE | unix.CSTOPB | unix.PARENB | unix.CRTSCTS
	t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := setSpeed(t, baud); err != nil {
		return err
	}
	if err := unix.IoctlSetTermios(fd, setTermios, t); err != nil {
		return fmt.Errorf("set raw mode: %w", err)
	}
	return nil
}
