package lws

import (
	"net/http"
	"strings"
	"testing"
)

// Path traversal through a callback mount or a proxy mount (encoded
// "..", backslashes, NUL) is refused with 403 before the protocol or the
// origin hears of it.
func TestPathTraversalNeverReachesCallbackOrProxy(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t)
	heard := make(chan string, 64)
	rec := &Protocol{Name: "rec", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		if reason == ReasonHTTP {
			heard <- string(in)
			return c.ReturnHTTPStatus(http.StatusOK, "heard")
		}
		return nil
	}}
	info := fileVhost(0)
	info.Protocols = []*Protocol{{Name: "http", Callback: HTTPDummy}, rec}
	info.Mounts = append(info.Mounts,
		Mount{Mountpoint: "/dyn", Protocol: "rec", OriginProtocol: OriginCallback},
		Mount{Mountpoint: "/up", Origin: up.host() + "/base", OriginProtocol: OriginHTTP})
	var logs logCapture
	c := startContext(t, ContextInfo{Logger: logs.logger(), VhostInfo: info})
	addr := c.Vhosts()[0].Addr()
	for _, mp := range []string{"/dyn", "/up"} {
		for _, rest := range []string{
			"/../x",
			"/a/../../x",
			"/%2e%2e/%2e%2e/etc/passwd",
			"/%2E%2E",
			"/..%2f..%2fetc%2fpasswd",
			"/.%2e/x",
			"/..%5c..%5cetc%5cpasswd",
			"/a%5cb",
			"/a%00b",
			"/%00",
		} {
			if got := rawRequest(t, addr, mp+rest); !strings.Contains(got, " 403 ") {
				t.Errorf("%s: %q, want 403", mp+rest, got)
			}
		}
	}
	select {
	case p := <-heard:
		t.Errorf("the callback heard of %q", p)
	default:
	}
	select {
	case r := <-up.reqs:
		t.Errorf("the origin was asked for %q", r.URL.Path)
	default:
	}
	// The same mounts do serve a plain path.
	if got := rawRequest(t, addr, "/dyn/ok"); !strings.Contains(got, " 200 ") || <-heard != "/ok" {
		t.Errorf("/dyn/ok: %q", got)
	}
	if got := rawRequest(t, addr, "/up/ok"); !strings.Contains(got, " 200 ") || (<-up.reqs).URL.Path != "/base/ok" {
		t.Errorf("/up/ok: %q", got)
	}
	logs.waitFor(t, "path traversal refused")
}
