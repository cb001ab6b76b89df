package examples

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// serve starts a server binary with args and waits until port answers.
func serve(t *testing.T, bin string, port int, args ...string) *lwstest.Proc {
	t.Helper()
	p := lwstest.StartProc(t, bin, args...)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not answer on %s:\n%s", filepath.Base(bin), addr, p.Log())
		}
	}
}

// finish waits for a client and checks it exited 0 having said want.
func finish(t *testing.T, p *lwstest.Proc, want string) {
	t.Helper()
	if err := p.Wait(t, time.Minute); err != nil || !strings.Contains(p.Log(), want) {
		t.Fatalf("exit %v, want %q in:\n%s", err, want, p.Log())
	}
}

// The pmd-bulk pair: the 133,700-byte message both ways, compressed or
// not, random bytes or text; a client whose -c differs from the server's
// fails.
func TestPmdBulkPair(t *testing.T) {
	for _, args := range [][]string{nil, {"-n"}, {"-c"}} {
		t.Run(fmt.Sprint(args), func(t *testing.T) {
			port := freePort(t)
			srv := serve(t, bin(t, "ws-server/minimal-ws-server-pmd-bulk"), port, append([]string{"--port", strconv.Itoa(port)}, args...)...)
			c := lwstest.StartProc(t, bin(t, "ws-client/minimal-ws-client-pmd-bulk"), append([]string{"-s", "127.0.0.1", "-p", strconv.Itoa(port)}, args...)...)
			finish(t, c, "Completed: OK")
			srv.WaitLog(t, "received the whole 133700-byte message intact", 1, 10*time.Second)
		})
	}
	port := freePort(t)
	serve(t, bin(t, "ws-server/minimal-ws-server-pmd-bulk"), port, "--port", strconv.Itoa(port), "-c")
	c := lwstest.StartProc(t, bin(t, "ws-client/minimal-ws-client-pmd-bulk"), "-s", "127.0.0.1", "-p", strconv.Itoa(port))
	if err := c.Wait(t, time.Minute); err == nil {
		t.Fatalf("random bytes against a text server passed:\n%s", c.Log())
	}
}

// Secure Streams across three processes, as the client-tx README runs
// them: the client (no policy) through the proxy (the policy) to the echo
// server, every packet back.
func TestSecureStreamsThroughTheProxy(t *testing.T) {
	port := freePort(t)
	serve(t, bin(t, "ws-server/minimal-ws-server-echo"), port, "--port", strconv.Itoa(port))
	policy, err := os.ReadFile(filepath.Join(root, "secure-streams/minimal-secure-streams-proxy/policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The policy sends "spam" to the echo server on 7682; here, to port.
	moved := bytes.Replace(policy, []byte(`"port": 7682`), []byte(`"port": `+strconv.Itoa(port)), 1)
	if bytes.Equal(moved, policy) {
		t.Fatal(`the proxy's policy no longer has "port": 7682`)
	}
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, moved, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := fmt.Sprintf("@lws-go-examples-%d", time.Now().UnixNano())
	px := lwstest.StartProc(t, bin(t, "secure-streams/minimal-secure-streams-proxy"), "-i", sock, "--policy", file)
	px.WaitLog(t, "ss proxy listening on", 1, 20*time.Second)
	c := lwstest.StartProc(t, bin(t, "secure-streams/minimal-secure-streams-client-tx"), "-i", sock, "--packets", "50", "--interval-ms", "5")
	finish(t, c, "Completed: OK")
}
