//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"golang.org/x/sys/unix"
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

// A pty pair stands for the serial line: the example gets the slave, the
// test is the device at the other end.
func TestSerialOnAPty(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	out := &logBuffer{}
	lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-serial", tty.Name()}), out, ready)
	})

	// 115200 8N1, raw.
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case tio.Cflag&unix.CBAUD != unix.B115200:
		t.Errorf("speed bits %#o, want B115200", tio.Cflag&unix.CBAUD)
	case tio.Cflag&unix.CSIZE != unix.CS8 || tio.Cflag&(unix.PARENB|unix.CSTOPB) != 0:
		t.Errorf("not 8N1: cflag %#o", tio.Cflag)
	case tio.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG) != 0:
		t.Errorf("not raw: lflag %#o", tio.Lflag)
	}

	// The line the example writes every 2 s arrives at the device.
	lines := bufio.NewReader(master)
	got := make(chan string, 1)
	go func() {
		l, _ := lines.ReadString('\n')
		got <- l
	}()
	select {
	case l := <-got:
		if l != "hello-this-is-written-every-couple-of-seconds\r\n" {
			t.Fatalf("the device read %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing written to the tty")
	}

	// Raw mode: bytes arrive as they are typed, no newline needed.
	if _, err := master.WriteString("ping"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(lwstest.HexdumpText(out.String()), "ping"); {
		if time.Now().After(deadline) {
			t.Fatalf("the typed bytes were not hexdumped:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
