package lws

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// MountOrigin says what serves a mount: the mirror of LWSMPRO_*, with lws's
// values.
type MountOrigin int

// Mount origins, as LWSMPRO_* in lws.
const (
	OriginHTTP       MountOrigin = 0 // LWSMPRO_HTTP: reverse proxy to http://Origin
	OriginHTTPS      MountOrigin = 1 // LWSMPRO_HTTPS: reverse proxy to https://Origin
	OriginFile       MountOrigin = 2 // LWSMPRO_FILE: files from a directory or an fs.FS
	OriginCGI        MountOrigin = 3 // LWSMPRO_CGI: Origin is a script run per request (cgi.go)
	OriginRedirHTTP  MountOrigin = 4 // LWSMPRO_REDIR_HTTP: redirect to http://Origin
	OriginRedirHTTPS MountOrigin = 5 // LWSMPRO_REDIR_HTTPS: redirect to https://Origin
	OriginCallback   MountOrigin = 6 // LWSMPRO_CALLBACK: the named Protocol handles it
)

// Mount maps a URL prefix to something that serves it: the mirror of
// struct lws_http_mount. The longest matching Mountpoint wins.
type Mount struct {
	Mountpoint string // URL prefix, e.g. "/" or "/dyn"
	// Origin is a directory for OriginFile (unless OriginFS is set), a
	// host[:port][/path] for proxies and redirects.
	Origin string
	// OriginFS serves files from an fs.FS (typically an embed.FS) instead
	// of the Origin directory, so `go run` works from any folder.
	OriginFS fs.FS
	// Def is the default document for a directory, e.g. "index.html".
	Def string
	// Protocol is the protocol name a callback mount binds to.
	Protocol       string
	OriginProtocol MountOrigin
	// Cache policy (cache_max_age, cache_reusable, cache_revalidate,
	// cache_intermediaries). No max age means "cache-control: no-store".
	CacheMaxAge         int
	CacheReusable       bool
	CacheRevalidate     bool
	CacheIntermediaries bool
	// ExtraMimetypes adds or overrides suffix → type; lws refuses files of
	// unknown type, and the key "*" allows anything with the given type.
	ExtraMimetypes map[string]string
	// BasicAuthLoginFile names a file of "user:password" lines; with it
	// the mount asks for HTTP Basic authentication (lws's
	// basic_auth_login_file; basicauth.go). BasicAuthFS, when set, is
	// where that name is read from (an embed.FS) instead of the disk.
	BasicAuthLoginFile string
	BasicAuthFS        fs.FS
	// CGI mounts (cgi.go): CGITimeout bounds a script's run (lws's
	// cgi_timeout, in seconds; DefaultCGITimeout if 0), CGIMaxOutput the
	// bytes of its stdout (DefaultCGIMaxOutput if 0), and CGIEnv adds
	// to its environment (lws's cgienv).
	CGITimeout   int
	CGIMaxOutput int64
	CGIEnv       map[string]string
}

type mountState struct {
	*Mount
	fsys            fs.FS
	proxy           *httputil.ReverseProxy
	cache           fileCache // OriginFS files served from memory (filecache.go)
	cacheControlHdr []string  // the mount's cache-control, computed once
}

func newMountState(m *Mount, log *slog.Logger) (*mountState, error) {
	ms := &mountState{Mount: m}
	ms.cacheControlHdr = []string{ms.cacheControl()}
	switch m.OriginProtocol {
	case OriginFile:
		switch {
		case m.OriginFS != nil:
			ms.fsys = m.OriginFS
		case m.Origin != "":
			ms.fsys = &rootFS{dir: m.Origin}
		default:
			return nil, fmt.Errorf("mount %q: file mount with no origin", m.Mountpoint)
		}
	case OriginHTTP, OriginHTTPS:
		scheme := "http"
		if m.OriginProtocol == OriginHTTPS {
			scheme = "https"
		}
		u, err := url.Parse(scheme + "://" + m.Origin)
		if err != nil {
			return nil, fmt.Errorf("mount %q: proxy origin: %w", m.Mountpoint, err)
		}
		ms.proxy = &httputil.ReverseProxy{
			// lws's proxy mount makes its own client connection to the
			// origin: Host: is the origin's, and X-Forwarded-For names
			// the peer lws accepted, nothing a client wrote (Rewrite
			// starts from a request without the client's X-Forwarded-*
			// headers; SetXForwarded adds ours).
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(u)
				pr.SetXForwarded()
			},
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
	case OriginCallback:
		if m.Protocol == "" {
			return nil, fmt.Errorf("mount %q: callback mount names no protocol", m.Mountpoint)
		}
	case OriginRedirHTTP, OriginRedirHTTPS:
	case OriginCGI:
		if m.Origin == "" {
			return nil, fmt.Errorf("mount %q: cgi mount names no script", m.Mountpoint)
		}
	default:
		return nil, fmt.Errorf("mount %q: origin protocol %d not supported", m.Mountpoint, m.OriginProtocol)
	}
	return ms, nil
}

// close releases what the mount holds open (lws_vhost_destroy frees the
// mounts with the vhost).
func (m *mountState) close() {
	if r, ok := m.fsys.(*rootFS); ok {
		r.close()
	}
}

// rootFS is a directory mount's files, opened through an os.Root so that
// no name resolves outside the directory: a symlink (or "..") that leads
// out of the mount fails to open instead of serving what it points at.
// lws serves a mount's files from below its origin only; os.DirFS would
// follow the link. The root is opened on first use (the directory may
// appear after the vhost) and kept until the vhost goes.
type rootFS struct {
	dir    string
	root   atomic.Pointer[os.Root]
	mu     sync.Mutex // opening and closing
	closed bool
}

func (r *rootFS) get() (*os.Root, error) {
	if rt := r.root.Load(); rt != nil {
		return rt, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, fmt.Errorf("mount origin %s: %w", r.dir, fs.ErrClosed)
	}
	if rt := r.root.Load(); rt != nil {
		return rt, nil
	}
	rt, err := os.OpenRoot(r.dir)
	if err != nil {
		return nil, fmt.Errorf("mount origin: %w", err)
	}
	r.root.Store(rt)
	return rt, nil
}

// Open opens name below the directory (fs.FS).
func (r *rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	rt, err := r.get()
	if err != nil {
		return nil, err
	}
	f, err := rt.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (r *rootFS) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if rt := r.root.Swap(nil); rt != nil {
		_ = rt.Close()
	}
}

// matches reports whether p is under the mountpoint: "/dyn" matches "/dyn"
// and "/dyn/x" but not "/dynamo".
func (m *mountState) matches(p string) bool {
	mp := m.Mountpoint
	if !strings.HasPrefix(p, mp) {
		return false
	}
	return len(p) == len(mp) || strings.HasSuffix(mp, "/") || p[len(mp)] == '/'
}

func (v *Vhost) matchMount(p string) *mountState {
	var best *mountState
	for _, m := range v.mounts {
		if m.matches(p) && (best == nil || len(m.Mountpoint) > len(best.Mountpoint)) {
			best = m
		}
	}
	return best
}

// lws's built-in suffix table (lws_get_mimetype).
var serverMimetypes = []struct{ ext, typ string }{
	{".html", "text/html"}, {".htm", "text/html"}, {".js", "text/javascript"},
	{".css", "text/css"}, {".png", "image/png"}, {".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"}, {".ico", "image/x-icon"}, {".gif", "image/gif"},
	{".svg", "image/svg+xml"}, {".ttf", "application/x-font-ttf"},
	{".otf", "application/font-woff"}, {".woff", "application/font-woff"},
	{".woff2", "application/font-woff2"}, {".gz", "application/gzip"},
	{".txt", "text/plain"}, {".xml", "application/xml"}, {".json", "application/json"},
	{".mjs", "text/javascript"}, {".wasm", "application/wasm"},
}

// Mimetype returns the type lws would send for file under mount m, or ""
// when lws refuses to serve it (lws_get_mimetype).
func Mimetype(file string, m *Mount) string {
	lower := strings.ToLower(file)
	fallback := ""
	if m != nil {
		// The longest matching suffix wins (".tar.bz2" over ".bz2"),
		// whatever order the map gives.
		best, bestType := "", ""
		for ext, typ := range m.ExtraMimetypes {
			if ext == "*" {
				fallback = typ
				if fallback == "" {
					fallback = "application/octet-stream"
				}
				continue
			}
			if len(lower) > len(ext) && strings.HasSuffix(lower, strings.ToLower(ext)) && len(ext) > len(best) {
				best, bestType = ext, typ
			}
		}
		if best != "" {
			return bestType
		}
	}
	for _, mt := range serverMimetypes {
		if len(lower) > len(mt.ext) && strings.HasSuffix(lower, mt.ext) {
			return mt.typ
		}
	}
	return fallback
}

// cacheControl builds lws's cache-control value for a mount.
func (m *mountState) cacheControl() string {
	if m.CacheMaxAge == 0 || !m.CacheReusable {
		return "no-store"
	}
	who := "private"
	if m.CacheIntermediaries {
		who = "public"
	}
	cc := who + ", max-age=" + strconv.Itoa(m.CacheMaxAge)
	if m.CacheRevalidate {
		cc = "must-revalidate, " + cc
	}
	return cc
}

// errTraversal marks a URL that tries to climb out of its mount.
var errTraversal = errors.New("path traversal")

// cleanRel turns the URL path below a mountpoint into an fs.FS name,
// refusing "..", backslashes and NULs in any (decoded) segment.
func cleanRel(rel string) (string, error) {
	if strings.ContainsAny(rel, "\\\x00") {
		return "", errTraversal
	}
	// Fast path: nothing to clean (the common case, checked allocation-free).
	if name := strings.TrimPrefix(rel, "/"); !strings.Contains(rel, "..") && fs.ValidPath(name) {
		return name, nil
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == ".." {
			return "", errTraversal
		}
	}
	name := strings.TrimPrefix(path.Clean("/"+rel), "/")
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) {
		return "", errTraversal
	}
	return name, nil
}

// serveFile serves one file from a file mount, as lws_http_serve does.
func (v *Vhost) serveFile(w http.ResponseWriter, r *http.Request, m *mountState, urlPath string) {
	rel := strings.TrimPrefix(urlPath, m.Mountpoint)
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += m.Def
	}
	name, err := cleanRel(rel)
	if err != nil {
		v.refuse(w, r, http.StatusForbidden, "path traversal refused")
		return
	}
	if m.OriginFS != nil {
		if e := m.cached(name); e != nil {
			v.serveCached(w, r, m, e)
			return
		}
	}
	f, err := m.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			v.notFound(w, r)
			return
		}
		// A symlink out of the mount (os.Root's "path escapes"), a
		// permission: refused, and said so.
		v.refuse(w, r, http.StatusForbidden, "file refused", "err", err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		v.notFound(w, r)
		return
	}
	if st.IsDir() {
		if m.Def == "" {
			v.notFound(w, r)
			return
		}
		// lws redirects a directory to its URL with a '/' added. The
		// path is cleaned first: from "//sub" a plain append would make
		// "//sub/", which a browser reads as a protocol-relative URL to
		// the host "sub" (an open redirect).
		loc := path.Clean("/" + r.URL.Path)
		if loc != "/" {
			loc += "/"
		}
		http.Redirect(w, r, (&url.URL{Path: loc}).EscapedPath(), http.StatusMovedPermanently)
		return
	}
	typ := Mimetype(name, m.Mount)
	if typ == "" {
		v.refuse(w, r, http.StatusForbidden, "unknown mimetype refused")
		return
	}
	rs, ok := f.(interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	})
	if !ok {
		v.refuse(w, r, http.StatusInternalServerError, "file is not seekable")
		return
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Cache-Control", m.cacheControl())
	http.ServeContent(w, r, name, modTime(st), rs)
}

func modTime(st fs.FileInfo) time.Time { return st.ModTime() }

var zeroTime time.Time

// notFound serves the vhost's 404 document with status 404, or a plain 404.
func (v *Vhost) notFound(w http.ResponseWriter, r *http.Request) {
	doc := v.info.ErrorDocument404
	if doc != "" {
		if m := v.matchMount(doc); m != nil && m.fsys != nil {
			name, err := cleanRel(strings.TrimPrefix(doc, m.Mountpoint))
			if err == nil {
				if b, err := fs.ReadFile(m.fsys, name); err == nil {
					w.Header().Set("Content-Type", Mimetype(name, m.Mount))
					w.Header().Set("Content-Length", strconv.Itoa(len(b)))
					w.WriteHeader(http.StatusNotFound)
					if r.Method != http.MethodHead {
						_, _ = w.Write(b)
					}
					return
				}
			}
		}
	}
	http.Error(w, "404 Not Found", http.StatusNotFound)
}

// refuse answers with status and logs why (with any further key/value
// pairs), so bad input is visible.
func (v *Vhost) refuse(w http.ResponseWriter, r *http.Request, status int, why string, args ...any) {
	v.ctx.log.Warn(why, append([]any{"vhost", v.name, "path", r.URL.Path, "raw", r.URL.RawPath, "peer", r.RemoteAddr, "status", status}, args...)...)
	http.Error(w, strconv.Itoa(status)+" "+http.StatusText(status), status)
}

// redirect answers a redirect mount (LWSMPRO_REDIR_HTTP(S)).
func (v *Vhost) redirect(w http.ResponseWriter, r *http.Request, m *mountState) {
	scheme := "http://"
	if m.OriginProtocol == OriginRedirHTTPS {
		scheme = "https://"
	}
	// The rest of the path as it came (escaped, so a decoded CR, LF or
	// space cannot change the header) and the query go along.
	rest := strings.TrimPrefix(r.URL.EscapedPath(), m.Mountpoint)
	target := scheme + strings.TrimSuffix(m.Origin, "/") + "/" + strings.TrimPrefix(rest, "/")
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
}
