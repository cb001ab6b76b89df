//go:build !unix

package lws

import (
	"errors"
	"fmt"
)

// fdWatch: without unix descriptors the portable loop watches none; ws
// connections read on their own goroutines (read cycles) instead.
type fdWatch struct{ h pollable }

func newFDWatch(*Context, pollable, uint32) (*fdWatch, error) {
	return nil, fmt.Errorf("watching a descriptor: %w", errors.ErrUnsupported)
}

func (w *fdWatch) set(uint32) {}
func (w *fdWatch) stop()      {}
