package lws

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// upstream is an origin server that records what reaches it.
type upstream struct {
	srv  *httptest.Server
	reqs chan *http.Request
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{reqs: make(chan *http.Request, 64)}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.reqs <- r.Clone(r.Context())
		_, _ = w.Write([]byte("upstream " + r.URL.Path))
	}))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) host() string { return strings.TrimPrefix(u.srv.URL, "http://") }

// A proxy mount sends the origin's Host: and an X-Forwarded-For naming
// the real peer only; what the client claimed in X-Forwarded-* is dropped.
func TestProxyMountForwardedHeaders(t *testing.T) {
	up := newUpstream(t)
	info := fileVhost(0)
	info.Mounts = append(info.Mounts, Mount{Mountpoint: "/up", Origin: up.host() + "/base", OriginProtocol: OriginHTTP})
	c := startContext(t, ContextInfo{VhostInfo: info})
	for _, host := range []string{"localhost", "evil.example"} {
		req, _ := http.NewRequest("GET", "http://"+c.Vhosts()[0].Addr()+"/up/x?q=1", nil)
		req.Host = host
		req.Header.Set("X-Forwarded-For", "6.6.6.6")
		req.Header.Set("X-Forwarded-Host", "forged.example")
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		got := <-up.reqs
		if got.Host != up.host() {
			t.Errorf("client Host %q: upstream saw Host %q, want its own %q", host, got.Host, up.host())
		}
		if xff := got.Header.Values("X-Forwarded-For"); len(xff) != 1 || xff[0] != "127.0.0.1" {
			t.Errorf("upstream saw X-Forwarded-For %q, want the peer 127.0.0.1 only", xff)
		}
		if xfh := got.Header.Get("X-Forwarded-Host"); xfh != host {
			t.Errorf("upstream saw X-Forwarded-Host %q, want %q", xfh, host)
		}
		if xfp := got.Header.Get("X-Forwarded-Proto"); xfp != "http" {
			t.Errorf("upstream saw X-Forwarded-Proto %q, want http", xfp)
		}
		if got.URL.Path != "/base/x" || got.URL.RawQuery != "q=1" {
			t.Errorf("upstream saw %s?%s, want /base/x?q=1", got.URL.Path, got.URL.RawQuery)
		}
	}
}
