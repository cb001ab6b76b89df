package lws

import "syscall"

// reusePort sets SO_REUSEPORT on a listening socket before bind
// (OptionAllowListenShare).
func reusePort(network, address string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, soReusePort, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// soReusePort is SO_REUSEPORT on Linux (asm-generic/socket.h); the syscall
// package does not name it.
const soReusePort = 0xf
