package lws

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"testing/fstest"
)

func (m *mountState) cacheLen() int {
	m.cache.mu.RLock()
	defer m.cache.mu.RUnlock()
	return len(m.cache.files)
}

// Distinct missing paths, the cheapest thing a peer can send, must not
// grow the file cache.
func TestFileCacheKeepsNoMisses(t *testing.T) {
	c := startContext(t, ContextInfo{VhostInfo: fileVhost(0)})
	base := "http://" + c.Vhosts()[0].Addr()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for i := range 2000 {
		resp, err := client.Get(fmt.Sprintf("%s/missing-%d.html", base, i))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", resp.StatusCode)
		}
	}
	m := c.Vhosts()[0].mounts[0]
	for i := range 50000 {
		if m.cached(fmt.Sprintf("nope/%d.js", i)) != nil {
			t.Fatal("a missing file was found")
		}
	}
	// The real files asked for may be kept; nothing else.
	if n := m.cacheLen(); n > len(testFS) {
		t.Fatalf("%d cache entries after 52,000 misses, want at most %d", n, len(testFS))
	}
}

// However many files a mount has, the cache keeps a bounded number; the
// rest are still served.
func TestFileCacheBounded(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range cacheMaxEntries + 100 {
		fsys[fmt.Sprintf("f%d.txt", i)] = &fstest.MapFile{Data: []byte("x")}
	}
	m, err := newMountState(&Mount{Mountpoint: "/", OriginFS: fsys, OriginProtocol: OriginFile}, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	for i := range cacheMaxEntries + 100 {
		if e := m.cached(fmt.Sprintf("f%d.txt", i)); e == nil || string(e.body) != "x" {
			t.Fatalf("f%d.txt not served", i)
		}
	}
	if n := m.cacheLen(); n != cacheMaxEntries {
		t.Fatalf("%d cache entries, want %d", n, cacheMaxEntries)
	}
}
