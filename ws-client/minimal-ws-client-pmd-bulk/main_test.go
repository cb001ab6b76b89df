package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// server builds and runs ws-server/minimal-ws-server-pmd-bulk, the real
// peer, on a free port.
func server(t *testing.T, args ...string) int {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pmd-bulk-server")
	build := exec.Command("go", "build", "-o", bin, "../../ws-server/minimal-ws-server-pmd-bulk")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build server: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, append([]string{"-p", strconv.Itoa(port), "-d", "1"}, args...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			return port
		}
	}
	t.Fatal("server did not start")
	return 0
}

// The client against its server, both directions byte for byte, with and
// without deflate, random bytes and text.
func TestAgainstTheServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"deflate", nil},
		{"no deflate", []string{"-n"}},
		{"text, deflate", []string{"-c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := server(t, tc.args...)
			var logs bytes.Buffer
			args := append([]string{"pmd-bulk", "-s", "127.0.0.1", "-p", strconv.Itoa(port)}, tc.args...)
			if err := run(context.Background(), args, &logs); err != nil {
				t.Fatalf("run: %v\n%s", err, logs.String())
			}
			for _, want := range []string{"sent the whole 133700-byte message", "received the whole 133700-byte message intact", "Completed: OK"} {
				if !strings.Contains(logs.String(), want) {
					t.Fatalf("no %q in\n%s", want, logs.String())
				}
			}
		})
	}
}

// Mismatched options (-c on one side only) are caught, not passed.
func TestMismatchFails(t *testing.T) {
	port := server(t, "-c")
	err := run(context.Background(), []string{"pmd-bulk", "-s", "127.0.0.1", "-p", strconv.Itoa(port)}, io.Discard)
	if err == nil {
		t.Fatal("random bytes against a text server passed")
	}
}
