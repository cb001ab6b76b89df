package examples

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/lwstest"
)

// sh runs a shell pipeline in dir, as a user would type it, and returns
// its stdout, stderr and exit status.
func sh(t *testing.T, dir, pipeline string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", pipeline)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// q quotes a path for sh.
func q(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// The crypto tools as built binaries, piping into each other as their
// READMEs do: keys made by minimal-crypto-jwk sign and verify with
// minimal-crypto-jws and encrypt and decrypt with minimal-crypto-jwe;
// minimal-crypto-x509's JWKs of a certificate's key sign and encrypt as
// well; a JWS changed on the way, or a JWE decrypted with the public key,
// ends with status 1 and nothing on stdout.
func TestCryptoToolsTogether(t *testing.T) {
	jwk, jws, jwe, x509 := q(bin(t, "crypto/minimal-crypto-jwk")), q(bin(t, "crypto/minimal-crypto-jws")), q(bin(t, "crypto/minimal-crypto-jwe")), q(bin(t, "crypto/minimal-crypto-x509"))
	dir := t.TempDir()
	for _, step := range []struct {
		name, pipeline, want string
		code                 int
	}{
		{"EC key pair", jwk + " -t EC -v P-256 --key-ops 'sign verify' --public ec.pub >ec.private", "", 0},
		{"RSA key pair", jwk + " -t RSA -b 2048 --use enc --public rsa.pub >rsa.private", "", 0},
		{"oct key", jwk + " -t OCT -b 256 >oct.jwk", "", 0},
		{"ES256 sign | verify", "echo hello | " + jws + " -s ES256 -k ec.private | " + jws + " -k ec.pub", "hello\n", 0},
		{"ES256 flattened", "echo hello | " + jws + " -s ES256 -f -k ec.private | " + jws + " -f -k ec.pub", "hello\n", 0},
		{"HS256", "echo hello | " + jws + " -s HS256 -k oct.jwk | " + jws + " -k oct.jwk", "hello\n", 0},
		{"JWS changed on the way", "echo hello | " + jws + " -s ES256 -k ec.private | sed 's/^eyJhbGciOiJFUzI1NiJ9\\.aGVsbG8K/eyJhbGciOiJFUzI1NiJ9.aGVsbG9K/' | " + jws + " -k ec.pub", "", 1},
		{"none refused", "echo hello | " + jws + " -s none -k ec.private | " + jws + " -k ec.pub", "", 1},
		{"RSA-OAEP encrypt | decrypt", "echo hello | " + jwe + " -e 'RSA-OAEP A256GCM' -k rsa.pub | " + jwe + " -k rsa.private", "hello\n", 0},
		{"RSA1_5 flattened", "echo hello | " + jwe + " -e 'RSA1_5 A128CBC-HS256' -f -k rsa.pub | " + jwe + " -f -k rsa.private", "hello\n", 0},
		{"dir", "echo hello | " + jwe + " -e 'dir A256GCM' -k oct.jwk | " + jwe + " -k oct.jwk", "hello\n", 0},
		{"A256KW", "echo hello | " + jwe + " -e 'A256KW A128CBC-HS256' -k oct.jwk | " + jwe + " -k oct.jwk", "hello\n", 0},
		{"decrypt with the public key", "echo hello | " + jwe + " -e 'RSA-OAEP A256GCM' -k rsa.pub | " + jwe + " -k rsa.pub", "", 1},
		{"an RSA key marked use enc signs nothing", "echo hello | " + jws + " -s RS256 -k rsa.private", "", 1},
		{"x509: public and private JWK of a certificate", x509 + " -c " + q(filepath.Join(root, "crypto/minimal-crypto-x509/ec-cert.pem")) + " >cert.pub && " +
			x509 + " -c " + q(filepath.Join(root, "crypto/minimal-crypto-x509/ec-cert.pem")) + " -p " + q(filepath.Join(root, "crypto/minimal-crypto-x509/ec-key.pem")) + " >cert.private", "", 0},
		{"x509 keys sign and verify", "echo hello | " + jws + " -s ES384 -k cert.private | " + jws + " -k cert.pub", "hello\n", 0},
		{"x509 keys encrypt and decrypt", "echo hello | " + jwe + " -e 'ECDH-ES+A128KW A128GCM' -k cert.pub | " + jwe + " -k cert.private", "hello\n", 0},
		{"oversized stdin", "head -c 5000000 /dev/zero | " + jws + " -s HS256 -k oct.jwk", "", 1},
	} {
		out, errOut, code := sh(t, dir, step.pipeline)
		if code != step.code || out != step.want {
			t.Errorf("%s: exit %d, stdout %q; want exit %d, %q\nstderr:\n%s", step.name, code, out, step.code, step.want, errOut)
		}
	}
}

// openssl and the built binaries in one pipeline: openssl makes an RSA
// key and certificate, minimal-crypto-x509 turns them into a private JWK,
// minimal-crypto-jws signs with it, and openssl verifies the signature
// against the certificate's public key.
func TestCryptoToolsAndOpenSSL(t *testing.T) {
	openssl := q(lwstest.RequirePeer(t, "openssl"))
	x509, jws := q(bin(t, "crypto/minimal-crypto-x509")), q(bin(t, "crypto/minimal-crypto-jws"))
	dir := t.TempDir()
	script := openssl + " req -x509 -nodes -days 2 -subj /CN=localhost -newkey rsa:2048 -keyout key.pem -out cert.pem 2>/dev/null &&" +
		x509 + " -c cert.pem -p key.pem >key.jwk 2>/dev/null &&" +
		"printf hello | " + jws + " -s RS256 -k key.jwk 2>/dev/null >hello.jws &&" +
		"cut -d. -f1,2 hello.jws | tr -d '\\n' >input &&" +
		"cut -d. -f3 hello.jws | tr '_-' '/+' | awk '{ while (length($0) % 4) $0 = $0 \"=\"; print }' | " + openssl + " base64 -d -A >sig &&" +
		openssl + " x509 -in cert.pem -pubkey -noout >pub.pem &&" +
		openssl + " dgst -sha256 -verify pub.pem -signature sig input"
	out, errOut, code := sh(t, dir, script)
	if code != 0 || !strings.Contains(out, "Verified OK") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
}

// With no arguments at all each crypto tool prints its help and exits 0,
// as lws's do.
func TestCryptoToolsNoArguments(t *testing.T) {
	for _, ex := range []string{"crypto/minimal-crypto-jwk", "crypto/minimal-crypto-jws", "crypto/minimal-crypto-jwe", "crypto/minimal-crypto-x509"} {
		r := runFor(t, bin(t, ex))
		if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: ") || r.stderr != "" {
			t.Errorf("%s with no arguments: exit %d, %q %q", ex, r.code, r.stdout, r.stderr)
		}
	}
}

// Ctrl-C while a tool waits for stdin ends it (lws's tools die by the
// signal; these catch it, so they must stop reading themselves).
func TestCryptoToolsCtrlC(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := sh(t, dir, q(bin(t, "crypto/minimal-crypto-jwk"))+" -t OCT -b 256 >oct.jwk"); code != 0 {
		t.Fatal(errOut)
	}
	for _, args := range [][]string{{"-s", "HS256", "-k", "oct.jwk"}, {"-k", "oct.jwk"}} {
		cmd := exec.Command(bin(t, "crypto/minimal-crypto-jws"), args...)
		cmd.Dir = dir
		stdin, err := cmd.StdinPipe() // open, never written
		if err != nil {
			t.Fatal(err)
		}
		var out, errb lockedBuffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the banner: the signal handler is in place by then.
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(errb.String(), "LWS JWS example tool"); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no banner: %q", errb.String())
			}
		}
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil || out.String() != "" || !strings.Contains(errb.String(), "reading stdin: interrupt signal received") {
				t.Errorf("%v: exit %v, stdout %q, stderr %q", args, err, out.String(), errb.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("%v: still waiting for stdin 10 s after Ctrl-C", args)
		}
		stdin.Close()
	}
}

// lockedBuffer is a bytes.Buffer the test reads while a process writes.
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
