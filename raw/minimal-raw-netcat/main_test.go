package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// lockedBuffer collects what the loop writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// netcat runs the example against port with a pipe as its stdin; it
// returns the pipe's write end and a channel with run's result.
func netcat(t *testing.T, port int, extra ...string) (*os.File, *lockedBuffer, *lockedBuffer, chan error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := syscall.Dup(int(r.Fd()))
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	out, log := &lockedBuffer{}, &lockedBuffer{}
	args := append([]string{"lws-minimal-raw-netcat", "--server", "127.0.0.1", "--port", strconv.Itoa(port)}, extra...)
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { done <- run(ctx, switches.MustParse(args), stdin, out, log) }()
	return w, out, log, done
}

func waitDone(t *testing.T, done chan error, log *lockedBuffer) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the example did not end:\n%s", log)
	}
}

// freePort is a port nothing listens on yet.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Against a real `nc -l`: what goes into the example's stdin comes out of
// nc, what goes into nc comes out of the example; stdin ending ends the
// example -w ms later.
func TestAgainstNetcatListening(t *testing.T) {
	ncPath := lwstest.RequirePeer(t, "nc")
	port := freePort(t)
	server := exec.Command(ncPath, "-l", "127.0.0.1", strconv.Itoa(port))
	serverIn, err := server.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	serverOut, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Process.Kill(); _ = server.Wait() })
	// nc -l serves one connection, so no probe: start the example until
	// its connect is not refused.
	var w *os.File
	var out, log *lockedBuffer
	var done chan error
	for attempt := 0; ; attempt++ {
		w, out, log, done = netcat(t, port, "-w", "300")
		select {
		case err := <-done:
			if err != nil && strings.Contains(err.Error(), "unable to connect") && attempt < 200 {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			t.Fatalf("run ended early: %v\n%s", err, log)
		case <-time.After(300 * time.Millisecond):
		}
		break
	}
	if _, err := w.WriteString("typed into the example\n"); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(serverOut).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if l != "typed into the example\n" {
			t.Fatalf("nc printed %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("nc printed nothing:\n%s", log)
	}
	if _, err := io.WriteString(serverIn, "typed into nc\n"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); out.String() != "typed into nc\n"; {
		if time.Now().After(deadline) {
			t.Fatalf("stdout %q:\n%s", out.String(), log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.Close()
	waitDone(t, done, log)
}

// The server's answer reaches stdout, and the end of stdin ends the
// example after -w ms even though the server would say more.
func TestStdinEndsTheSession(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		l, _ := bufio.NewReader(c).ReadString('\n')
		got <- l
		_, _ = io.WriteString(c, "answer: "+l)
		time.Sleep(5 * time.Second) // never closes first
	}()
	w, out, log, done := netcat(t, ln.Addr().(*net.TCPAddr).Port, "-w", "200")
	if _, err := w.WriteString("question\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-got:
		if l != "question\n" {
			t.Fatalf("the server read %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing reached the server:\n%s", log)
	}
	w.Close()
	waitDone(t, done, log)
	if out.String() != "answer: question\n" {
		t.Fatalf("stdout %q", out.String())
	}
	if !strings.Contains(log.String(), "LWS_CALLBACK_TIMER") {
		t.Fatalf("ended without the -w timer:\n%s", log)
	}
}

// A server that goes away ends the example at once, stdin still open.
func TestServerClosingEndsTheSession(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, _ = io.WriteString(c, "bye\n")
			c.Close()
		}
	}()
	_, out, log, done := netcat(t, ln.Addr().(*net.TCPAddr).Port)
	waitDone(t, done, log)
	if out.String() != "bye\n" || !strings.Contains(log.String(), "LWS_CALLBACK_RAW_CLOSE") {
		t.Fatalf("stdout %q\n%s", out.String(), log)
	}
}
