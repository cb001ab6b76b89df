package lwstest

import (
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Proc is a program running as a process of its own for a test (a built
// example, lwsws, a proxy), its output and error output captured: the
// multi-process counterpart of Start.
type Proc struct {
	Cmd *exec.Cmd

	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	err  error
}

// StartProc starts path with args. When the test ends a process still
// running gets SIGTERM, as Ctrl-C would, and the test fails if it has not
// exited 10 s later.
func StartProc(t testing.TB, path string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Cmd: exec.Command(path, args...), done: make(chan struct{})}
	p.Cmd.Stdout, p.Cmd.Stderr = p, p
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.Cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = p.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.Cmd.Process.Kill()
			<-p.done
			t.Errorf("%s did not stop on SIGTERM:\n%s", path, p.Log())
		}
	})
	return p
}

// Write collects the process's output.
func (p *Proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

// Log is the output so far.
func (p *Proc) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// WaitLog waits until the output holds want n times, failing the test
// after within.
func (p *Proc) WaitLog(t testing.TB, want string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for strings.Count(p.Log(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("never logged %q %d times:\n%s", want, n, p.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Wait waits for the process to exit and returns how it ended, failing
// the test after within.
func (p *Proc) Wait(t testing.TB, within time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(within):
		t.Fatalf("process did not finish:\n%s", p.Log())
		return nil
	}
}
