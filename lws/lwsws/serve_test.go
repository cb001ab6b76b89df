package lwsws

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A file:// mount of a real configuration serves its directory and
// refuses a symlink that leads out of it.
func TestFileMountRefusesSymlinkOut(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	files := map[string]string{
		"conf": `{ "global": { "server-string": "lwsws-test" } }`,
		"conf.d/site": `{ "vhosts": [ { "name": "localhost", "port": "` + strconv.Itoa(port) + `", "interface": "127.0.0.1",
			"mounts": [ { "mountpoint": "/", "origin": "file://www", "default": "index.html" } ] } ] }`,
		"www/index.html": "<html>lwsws</html>",
		"secret.txt":     "the secret",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"passwd.txt": "/etc/passwd", "up.txt": "../secret.txt", "alias.html": "index.html"} {
		if err := os.Symlink(target, filepath.Join(dir, "www", link)); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewContext(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("context did not stop")
		}
	}()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	for p, want := range map[string]int{"/": 200, "/alias.html": 200, "/passwd.txt": 403, "/up.txt": 403} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || want == 403 && (strings.Contains(string(b), "secret") || strings.Contains(string(b), "root:")) {
			t.Errorf("%s: %d %.40q, want %d", p, resp.StatusCode, b, want)
		}
	}
}
