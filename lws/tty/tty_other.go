//go:build !(linux || darwin || freebsd || netbsd || openbsd)

// Package tty puts a serial line in raw mode, as lws's minimal-raw-serial
// does with tcgetattr/tcsetattr; here there is no termios.
package tty

import "errors"

// MakeRaw is not available without termios.
func MakeRaw(fd int, baud int) error { return errors.ErrUnsupported }
