package lws

import "golang.org/x/sys/unix"

// fionread is FIONREAD: bytes waiting to be read on a descriptor.
const fionread = unix.TIOCINQ
