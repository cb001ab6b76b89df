//go:build !linux

package lws

import "testing"

// pendingOut is how many bytes wait to leave on a server connection.
func pendingOut(t *testing.T, srv *Context, c *Conn) int {
	t.Helper()
	got := make(chan int, 1)
	srv.Do(func() {
		nb := c.ws.nb
		nb.mu.Lock()
		got <- len(nb.pending) + nb.writing
		nb.mu.Unlock()
	})
	return wait(t, got, "pending output")
}
