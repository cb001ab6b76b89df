package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// sshd starts a real sshd on a free port, accepting one generated key for
// the current user, and returns its port and the client's key file.
func sshd(t *testing.T) (port int, key string) {
	t.Helper()
	sshdPath := lwstest.RequirePeer(t, "sshd")
	keygen := lwstest.RequirePeer(t, "ssh-keygen")
	lwstest.RequirePeer(t, "ssh")
	dir := t.TempDir()
	for _, k := range []string{"host", "client"} {
		if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, k)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	pub, err := os.ReadFile(filepath.Join(dir, "client.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// sshd's privilege separation directory, which a booted Debian
		// makes at start.
		_ = os.MkdirAll("/run/sshd", 0o755)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PidFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
`, port, filepath.Join(dir, "host"), filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "sshd.pid"))
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	p := lwstest.StartProc(t, sshdPath, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen: %v\n%s", err, p.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return port, filepath.Join(dir, "client")
}

// start runs the example relaying to onward on a free port.
func start(t *testing.T, onward string) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-raw-proxy-fallback", "--port", "0", "-r", onward, "-d", "1"}), ready)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	return port
}

// sshVia runs a command over a real ssh session to the proxy's port.
func sshVia(t *testing.T, port, key, command string) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lwstest.RequirePeer(t, "ssh"), "-p", port, "-i", key,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
		"-o", "LogLevel=ERROR", u.Username+"@127.0.0.1", command).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh %s: %v\n%s", command, err, out)
	}
	return string(out)
}

// curl and a real ssh session to a real sshd on the same port: HTTP is
// served, ssh falls back to the proxy.
func TestCurlAndSSHShareThePort(t *testing.T) {
	sshPort, key := sshd(t)
	port := start(t, "ipv4:127.0.0.1:"+strconv.Itoa(sshPort))
	r := lwstest.Curl(t, "http://127.0.0.1:"+port+"/")
	if r.Status != 200 || !strings.Contains(r.Body, "ssh on the same port") {
		t.Fatalf("curl: %d %q", r.Status, r.Body)
	}
	if out := sshVia(t, port, key, "echo ssh through the fallback"); out != "ssh through the fallback\n" {
		t.Fatalf("ssh printed %q", out)
	}
	if out := sshVia(t, port, key, "head -c 5000000 /dev/zero | wc -c"); strings.TrimSpace(out) != "5000000" {
		t.Fatalf("ssh bulk: %q", out)
	}
	if r := lwstest.Curl(t, "http://127.0.0.1:"+port+"/"); r.Status != 200 {
		t.Fatalf("curl after ssh: %d", r.Status)
	}
}
