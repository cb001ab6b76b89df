package tty

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// The termios ioctls, and the speed, Linux's way.
const getTermios, setTermios = unix.TCGETS, unix.TCSETS

func setSpeed(t *unix.Termios, baud int) error {
	if baud != 115200 {
		return fmt.Errorf("speed %d: only 115200 is supported", baud)
	}
	t.Cflag = t.Cflag&^unix.CBAUD | unix.B115200
	t.Ispeed, t.Ospeed = unix.B115200, unix.B115200
	return nil
}
