package lwstest

import (
	"bytes"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// CurlResult is what curl saw.
type CurlResult struct {
	Status  int
	Header  http.Header
	Body    string
	Version string // curl's %{http_version}: "1.1", "2", ...
}

// Curl runs the real curl with args (a URL among them) and returns the
// final response. It adds -sS and asks curl to report status and version.
func Curl(t testing.TB, args ...string) CurlResult {
	t.Helper()
	curl := RequirePeer(t, "curl")
	dir := t.TempDir()
	headers := filepath.Join(dir, "headers")
	body := filepath.Join(dir, "body")
	all := append([]string{"-sS", "-D", headers, "-o", body, "-w", "%{http_code} %{http_version}"}, args...)
	cmd := exec.Command(curl, all...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("curl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	var r CurlResult
	code, version, _ := strings.Cut(strings.TrimSpace(stdout.String()), " ")
	r.Status, _ = strconv.Atoi(code)
	r.Version = version
	b, err := os.ReadFile(body)
	if err == nil {
		r.Body = string(b)
	}
	r.Header = parseHeaders(t, headers)
	return r
}

// parseHeaders reads the last header block curl wrote (after redirects or a
// 100 Continue there can be several).
func parseHeaders(t testing.TB, file string) http.Header {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("curl headers: %v", err)
	}
	blocks := strings.Split(strings.TrimSpace(strings.ReplaceAll(string(raw), "\r\n", "\n")), "\n\n")
	last := blocks[len(blocks)-1]
	h := http.Header{}
	lines := strings.Split(last, "\n")
	for _, line := range lines[1:] { // lines[0] is the status line
		k, v, ok := strings.Cut(line, ":")
		if ok {
			h.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
	}
	return h
}
