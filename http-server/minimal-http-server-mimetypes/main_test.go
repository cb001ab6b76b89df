package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

func start(t *testing.T) (string, *lwstest.LogBuffer) {
	t.Helper()
	logBuf := new(lwstest.LogBuffer)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-http-server-mimetypes", "--port", "0"}), logBuf, ready)
	})
	return "http://" + c.Vhosts()[0].Addr(), logBuf
}

// The taught type: served as application/x-bzip2, and what arrives is a
// real archive (bzip2 and tar unpack it).
func TestExtraMimetypeServesArchive(t *testing.T) {
	base, _ := start(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "test.tar.bz2")
	r := lwstest.Curl(t, base+"/test.tar.bz2")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/x-bzip2" {
		t.Fatalf("%d %q", r.Status, r.Header.Get("Content-Type"))
	}
	if err := os.WriteFile(out, []byte(r.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	tar := lwstest.RequirePeer(t, "tar")
	lwstest.RequirePeer(t, "bzip2")
	if b, err := exec.Command(tar, "-xjf", out, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("tar: %v: %s", err, b)
	}
	b, err := os.ReadFile(filepath.Join(dir, "test", "hello.txt"))
	if err != nil || !strings.Contains(string(b), "served as application/x-bzip2") {
		t.Fatalf("unpacked: %q %v", b, err)
	}
	// HEAD and a repeat (from the file cache) say the same.
	if r := lwstest.Curl(t, "-I", base+"/test.tar.bz2"); r.Header.Get("Content-Type") != "application/x-bzip2" {
		t.Fatalf("HEAD: %q", r.Header.Get("Content-Type"))
	}
}

// Unknown types are refused, and the extra type belongs to its mount only.
func TestUnknownTypesRefused(t *testing.T) {
	base, logBuf := start(t)
	for _, p := range []string{"/plain/test.tar.bz2", "/notes.xyz", "/plain/notes.xyz"} {
		r := lwstest.Curl(t, base+p)
		if r.Status != 403 || strings.Contains(r.Body, "BZh") || strings.Contains(r.Body, "no one taught") {
			t.Fatalf("%s: %d %q", p, r.Status, r.Body)
		}
	}
	logBuf.Wait(t, "unknown mimetype refused", 5*time.Second)
	// Known types are served on both mounts.
	for _, p := range []string{"/", "/plain/", "/plain/example.css"} {
		if r := lwstest.Curl(t, base+p); r.Status != 200 {
			t.Fatalf("%s: %d", p, r.Status)
		}
	}
}

// Chromium opens the page; the archive link is served with its type, the
// refused ones get 403 (asked with fetch, as clicking would download).
func TestChromium(t *testing.T) {
	base, _ := start(t)
	tab := lwstest.NewBrowser(t).NewTab(base + "/")
	tab.WaitFor("page", func() string { return tab.Text("#bz2") }, "test.tar.bz2", 10*time.Second)
	tab.Eval(`(() => { window.types = ""; Promise.all(["#bz2", "#plain-bz2", "#xyz"].map(s =>
		fetch(document.querySelector(s).href).then(r => r.status + " " + r.headers.get("content-type"))))
		.then(a => { window.types = a.join(", "); }); return ""; })()`)
	tab.WaitFor("types", func() string { return tab.Eval("window.types") },
		"200 application/x-bzip2, 403 text/plain; charset=utf-8, 403 text/plain; charset=utf-8", 10*time.Second)
}
