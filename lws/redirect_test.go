package lws

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rawGet sends a request line exactly as given and returns the response.
func rawGet(t *testing.T, addr, target string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	resp.Body.Close()
	return resp
}

// A directory is redirected to its path with a '/' added, and the
// redirect never starts with "//" (a browser would go to another host).
func TestDirectoryRedirectStaysOnHost(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	info := fileVhost(0)
	info.Mounts = append(info.Mounts, Mount{Mountpoint: "/disk", Origin: dir, Def: "index.html", OriginProtocol: OriginFile})
	c := startContext(t, ContextInfo{VhostInfo: info})
	addr := c.Vhosts()[0].Addr()
	for target, want := range map[string]string{
		"/sub":              "/sub/",
		"//sub":             "/sub/",
		"///sub":            "/sub/",
		"/.//sub":           "/sub/",
		"/disk//sub":        "/disk/sub/",
		"//disk//sub":       "", // no mount: "//disk" is not under "/disk"
		"/disk/sub//deeper": "/disk/sub/deeper/",
	} {
		resp := rawGet(t, addr, target)
		loc := resp.Header.Get("Location")
		if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
			t.Errorf("%s: redirected to %q, another host", target, loc)
			continue
		}
		if want != "" && (resp.StatusCode != http.StatusMovedPermanently || loc != want) {
			t.Errorf("%s: %d %q, want 301 %q", target, resp.StatusCode, loc, want)
		}
	}
}
