package main

import "golang.org/x/sys/unix"

// The termios ioctls, and the speed, Linux's way.
const getTermios, setTermios = unix.TCGETS, unix.TCSETS

func setSpeed(t *unix.Termios, _ int) {
	t.Cflag = t.Cflag&^unix.CBAUD | unix.B115200
	t.Ispeed, t.Ospeed = unix.B115200, unix.B115200
}
