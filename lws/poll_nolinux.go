//go:build !linux

package lws

import (
	"errors"
	"fmt"
)

// epollLoop exists only on Linux; elsewhere asking for it is an error.
type epollLoop struct{ eventLoopOps }

func newEpollLoop(*Context) (*epollLoop, error) {
	return nil, fmt.Errorf("the epoll event loop: %w", errors.ErrUnsupported)
}
