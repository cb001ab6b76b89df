package lwstest

import (
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// LocalhostCert and LocalhostKey are the self-signed localhost-100y pair
// the TLS examples carry (PEM; localhost, 127.0.0.1 and ::1; valid for 100
// years). The Secure Streams examples' policies trust this certificate,
// so a test server using it is one their streams accept.
var (
	//go:embed localhost-100y.cert
	LocalhostCert []byte
	//go:embed localhost-100y.key
	LocalhostKey []byte
)

// CertFiles writes the localhost-100y pair into the test's temporary
// directory and returns the two paths, for servers and peers (curl
// --cacert, lws.TLSInfo{CertFile, KeyFile}) that want files.
func CertFiles(t testing.TB) (cert, key string) {
	t.Helper()
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "localhost-100y.cert"), filepath.Join(dir, "localhost-100y.key")
	if err := os.WriteFile(cert, LocalhostCert, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, LocalhostKey, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// CoreDir is the directory of the lws core module the test builds
// against: lws/ inside the workspace, or the copy a standalone module's
// replace directive names.
func CoreDir(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/lws-go/lws-go/lws").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/lws-go/lws-go/lws: %v", err)
	}
	return strings.TrimSpace(string(out))
}
