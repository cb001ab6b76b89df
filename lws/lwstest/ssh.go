package lwstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// SSHD starts a real sshd on a free port of 127.0.0.1, accepting one
// generated key for the current user, and returns its port and the
// client's key file; the raw proxy examples relay real ssh sessions to
// it. It skips (fails under CI=true) without sshd, ssh-keygen and ssh.
func SSHD(t *testing.T) (port int, key string) {
	t.Helper()
	sshdPath := RequirePeer(t, "sshd")
	keygen := RequirePeer(t, "ssh-keygen")
	RequirePeer(t, "ssh")
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
	p := StartProc(t, sshdPath, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
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

// SSH runs a command over a real ssh session to 127.0.0.1:port as the
// current user with the key SSHD made, and returns its output.
func SSH(t *testing.T, port, key, command string) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(RequirePeer(t, "ssh"), "-p", port, "-i", key,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
		"-o", "LogLevel=ERROR", u.Username+"@127.0.0.1", command).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh %s: %v\n%s", command, err, out)
	}
	return string(out)
}
