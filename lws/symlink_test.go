package lws

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A directory mount serves what is below its directory, symlinks inside
// it included, and refuses a symlink that leads out (403 and a log line).
func TestDirectoryMountRefusesSymlinksOut(t *testing.T) {
	noLeaks(t)
	base := t.TempDir()
	www := filepath.Join(base, "www")
	for name, data := range map[string]string{
		filepath.Join(www, "index.html"):      "<html>inside</html>",
		filepath.Join(www, "sub", "page.txt"): "page",
		filepath.Join(base, "secret.txt"):     "the secret",
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"passwd.txt": "/etc/passwd",                     // absolute, outside
		"up.txt":     "../secret.txt",                   // relative, outside
		"abs.txt":    filepath.Join(base, "secret.txt"), // absolute, outside
		"updir":      "..",                              // a directory outside
		"alias.html": "index.html",                      // inside: served
		"subdir":     "sub",                             // inside: served
	} {
		if err := os.Symlink(target, filepath.Join(www, link)); err != nil {
			t.Fatal(err)
		}
	}
	var logs logCapture
	info := fileVhost(0)
	info.Mounts = []Mount{{Mountpoint: "/", Origin: www, Def: "index.html", OriginProtocol: OriginFile}}
	info.ErrorDocument404 = ""
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: info})
	srv := "http://" + c.Vhosts()[0].Addr()
	get := func(p string) (int, string) {
		resp, err := http.Get(srv + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, p := range []string{"/passwd.txt", "/up.txt", "/abs.txt", "/updir/secret.txt"} {
		status, body := get(p)
		if status != http.StatusForbidden || strings.Contains(body, "secret") || strings.Contains(body, "root:") {
			t.Errorf("%s: %d %.40q, want 403", p, status, body)
		}
	}
	for p, want := range map[string]string{"/alias.html": "<html>inside</html>", "/subdir/page.txt": "page", "/sub/page.txt": "page"} {
		if status, body := get(p); status != http.StatusOK || body != want {
			t.Errorf("%s: %d %q, want 200 %q", p, status, body, want)
		}
	}
	if status, _ := get("/missing.txt"); status != http.StatusNotFound {
		t.Errorf("/missing.txt: %d, want 404", status)
	}
	if status, _ := get("/index.html/x.txt"); status != http.StatusNotFound {
		t.Errorf("/index.html/x.txt: %d, want 404", status)
	}
	logs.waitFor(t, "file refused")
}
