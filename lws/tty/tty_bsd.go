//go:build darwin || freebsd || netbsd || openbsd

package tty

import "golang.org/x/sys/unix"

// The termios ioctls, and the speed, the BSDs' way.
const getTermios, setTermios = unix.TIOCGETA, unix.TIOCSETA

func setSpeed(t *unix.Termios, baud int) error {
	t.Ispeed, t.Ospeed = speed(t.Ispeed, baud), speed(t.Ospeed, baud)
	return nil
}

// speed converts baud to the type the BSD at hand uses for it.
func speed[T int32 | uint32 | uint64](_ T, baud int) T { return T(baud) }
