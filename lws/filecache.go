package lws

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// An OriginFS mount (typically an embed.FS) cannot change while the server
// runs, so its files are served from memory: read once, with the headers
// worked out once. lws reads files from disk per request; a Go server with
// its pages compiled in can do better, and the numbers in BENCHMARKS.md
// come from here. Directory mounts (Origin) are read from disk each time,
// as in lws.

// cacheMaxFile is the largest file kept in memory; bigger ones stream.
const cacheMaxFile = 1 << 20

// A mount's cache holds at most cacheMaxEntries names and cacheMaxBytes of
// file bodies; past either, files are still served from what was just
// read but not kept. Only names that exist are kept: a miss costs a Stat
// of the (in-memory) fs.FS each time, and a peer asking for endless
// distinct missing paths grows nothing.
const (
	cacheMaxEntries = 4096
	cacheMaxBytes   = 64 << 20
)

// cachedFile is one file ready to send. The header values are shared by
// every response, so each slice has len == cap: an append copies.
type cachedFile struct {
	body          []byte
	contentType   []string
	contentLength []string
	etag          []string
	fast          atomic.Pointer[fastEntry] // the whole response, for the fast path
}

type fileCache struct {
	mu    sync.RWMutex
	files map[string]*cachedFile // nil entry: exists but not cacheable (dir, big, refused type)
	bytes int                    // sum of the kept bodies
}

// cached returns the in-memory file for name, loading it on first use; nil
// means "take the ordinary path" (not found, a directory, too big, or a
// type lws refuses).
func (m *mountState) cached(name string) *cachedFile {
	m.cache.mu.RLock()
	e, ok := m.cache.files[name]
	m.cache.mu.RUnlock()
	if ok {
		return e
	}
	e, exists := m.load(name)
	if !exists {
		return nil
	}
	size := 0
	if e != nil {
		size = len(e.body)
	}
	m.cache.mu.Lock()
	defer m.cache.mu.Unlock()
	if prev, ok := m.cache.files[name]; ok {
		return prev // another request loaded it meanwhile
	}
	if len(m.cache.files) >= cacheMaxEntries || m.cache.bytes+size > cacheMaxBytes {
		return e // full: served, not kept
	}
	if m.cache.files == nil {
		m.cache.files = map[string]*cachedFile{}
	}
	m.cache.files[name] = e
	m.cache.bytes += size
	return e
}

// load reads name for the cache; exists is false when there is no such
// file (nothing to remember).
func (m *mountState) load(name string) (e *cachedFile, exists bool) {
	st, err := fs.Stat(m.fsys, name)
	if err != nil {
		return nil, false
	}
	if st.IsDir() || st.Size() > cacheMaxFile {
		return nil, true
	}
	typ := Mimetype(name, m.Mount)
	if typ == "" {
		return nil, true
	}
	body, err := fs.ReadFile(m.fsys, name)
	if err != nil {
		return nil, false
	}
	sum := sha256.Sum256(body)
	return &cachedFile{
		body:          body,
		contentType:   []string{typ},
		contentLength: []string{strconv.Itoa(len(body))},
		etag:          []string{`"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`},
	}, true
}

// serveCached answers from memory, with an ETag so browsers revalidate
// cheaply (lws sends ETags for files too).
func (v *Vhost) serveCached(w http.ResponseWriter, r *http.Request, m *mountState, e *cachedFile) {
	h := w.Header()
	h["Content-Type"] = e.contentType
	h["Cache-Control"] = m.cacheControlHdr
	h["Etag"] = e.etag
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && inm[0] == e.etag[0] {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if _, ranged := r.Header["Range"]; ranged {
		http.ServeContent(w, r, "", zeroTime, bytes.NewReader(e.body))
		return
	}
	h["Content-Length"] = e.contentLength
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.body)
	}
}
