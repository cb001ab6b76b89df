//go:build linux

package lws

import "testing"

// pendingOut is how many bytes wait to leave on a server connection (and,
// on a loop-owned one, what it read and has not handed on yet).
func pendingOut(t *testing.T, srv *Context, c *Conn) int {
	t.Helper()
	got := make(chan int, 1)
	srv.Do(func() {
		w := c.ws
		switch {
		case w.fc != nil: // a loop-owned socket (ws_fast.go)
			got <- len(w.fc.out) + len(w.fc.in) // what waits to leave, and what was read and waits

		default:
			w.nb.mu.Lock()
			got <- len(w.nb.pending) + w.nb.writing
			w.nb.mu.Unlock()
		}
	})
	return wait(t, got, "pending output")
}
