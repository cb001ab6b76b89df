package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// logBuffer collects the example's log; the loop writes while the test
// reads.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until the log shows want (in its hexdumps when dump).
func (l *logBuffer) waitFor(t *testing.T, want string, dump bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := l.String()
		if dump {
			got = lwstest.HexdumpText(got)
		}
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log never showed %q:\n%s", want, l.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// start runs the example on file until the test ends.
func start(t *testing.T, file string) *logBuffer {
	t.Helper()
	out := &logBuffer{}
	lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-file", file}), out, ready)
	})
	out.waitFor(t, "LWS_CALLBACK_RAW_ADOPT_FILE", false)
	return out
}

// A FIFO: what writers put in is hexdumped, and writers may come and go
// (the example holds the FIFO open read-write, as lws does).
func TestFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	out := start(t, fifo)
	for _, msg := range []string{"hello fifo", "second writer"} {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.WriteString(msg + "\n"); err != nil {
			t.Fatal(err)
		}
		w.Close()
		out.waitFor(t, msg, true)
	}
	if strings.Contains(out.String(), "RAW_CLOSE_FILE") {
		t.Fatal("a writer leaving closed the file")
	}
}

// A tty that goes away: the terminal's other side closes, the file's
// connection closes with RAW_CLOSE_FILE, and the example goes on until
// Ctrl-C (lwstest.Start checks it stops cleanly).
func TestTTYThatGoesAway(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	name := tty.Name()
	tty.Close()
	out := start(t, name)
	if _, err := master.WriteString("typed on the tty\n"); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "typed on the tty", true)
	master.Close()
	out.waitFor(t, "LWS_CALLBACK_RAW_CLOSE_FILE", false)
}

// A file that cannot be opened fails the start with its name.
func TestMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	err := run(context.Background(), switches.MustParse([]string{"lws-minimal-raw-file", missing}), &logBuffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), "unable to open "+missing) {
		t.Fatalf("run on a missing file: %v", err)
	}
}
