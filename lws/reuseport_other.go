//go:build !linux

package lws

import (
	"errors"
	"syscall"
)

// reusePort is not offered here: OptionAllowListenShare fails the bind.
func reusePort(network, address string, rc syscall.RawConn) error {
	return errors.New("lws: OptionAllowListenShare needs SO_REUSEPORT (Linux)")
}
