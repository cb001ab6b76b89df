//go:build darwin || freebsd || netbsd || openbsd

package main

import "golang.org/x/sys/unix"

// The termios ioctls, and the speed, the BSDs' way.
const getTermios, setTermios = unix.TIOCGETA, unix.TIOCSETA

func setSpeed(t *unix.Termios, baud int) { t.Ispeed, t.Ospeed = uint64(baud), uint64(baud) }
