// Package lwstest is to lws-go what net/http/httptest is to net/http: what
// the examples' tests share. It finds the real peers users meet (curl,
// Chromium, ...), drives them, and runs an example for the length of a test.
package lwstest

import (
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// installHint says which Debian package brings a peer.
var installHint = map[string]string{
	"curl":        "curl",
	"nc":          "netcat-openbsd",
	"sshd":        "openssh-server",
	"ssh":         "openssh-client",
	"ssh-keygen":  "openssh-client",
	"chromium":    "chromium",
	"nghttp":      "nghttp2-client",
	"wrk":         "wrk",
	"mosquitto":   "mosquitto",
	"dbus-daemon": "dbus",
	"Xvfb":        "xvfb",
	"openssl":     "openssl",
}

// goInstalled are peers that come from the Go module proxy rather than
// Debian (the module@version to go install).
var goInstalled = map[string]string{
	"h2spec": "github.com/summerwind/h2spec/cmd/h2spec@v2.2.1+incompatible",
}

// candidates lists where a peer may be found besides its name on PATH.
var candidates = map[string][]string{
	"chromium": {"chromium", "chromium-browser", "/usr/bin/chromium"},
	"h2spec":   {"h2spec", filepath.Join(build.Default.GOPATH, "bin", "h2spec")},
}

// InCI reports whether the tests run under CI (CI=true), where a missing
// peer is a failure rather than a reason to skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// findPeer returns the peer's path, or a message saying how to install it.
func findPeer(name string) (string, string) {
	names := candidates[name]
	if names == nil {
		names = []string{name}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, ""
		}
	}
	if mod := goInstalled[name]; mod != "" {
		return "", fmt.Sprintf("%s not installed: go install %s", name, mod)
	}
	pkg := installHint[name]
	if pkg == "" {
		pkg = name
	}
	return "", fmt.Sprintf("%s not installed: apt-get install %s", name, pkg)
}

// RequirePeer returns the path of an external program the test talks to.
// When it is missing the test is skipped with the reason, or, under
// CI=true, fails: CI installs every peer, so a missing one is a bug.
func RequirePeer(t testing.TB, name string) string {
	t.Helper()
	path, why := findPeer(name)
	if path != "" {
		return path
	}
	if InCI() {
		t.Fatalf("CI=true: %s", why)
	}
	t.Skip(why)
	return ""
}
