package lwstest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws/logs"
)

func TestFindPeer(t *testing.T) {
	if p, why := findPeer("sh"); p == "" || why != "" {
		t.Fatalf("sh: %q %q", p, why)
	}
	p, why := findPeer("no-such-peer-xyz")
	if p != "" || !strings.Contains(why, "apt-get install no-such-peer-xyz") {
		t.Fatalf("missing peer: %q %q", p, why)
	}
	if _, why := findPeer("mosquitto-missing"); !strings.Contains(why, "not installed") {
		t.Fatalf("reason %q", why)
	}
}

func TestCurlSeesStatusHeadersBodyVersion(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test", "yes")
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprint(w, "short and stout")
	}))
	defer srv.Close()
	r := Curl(t, srv.URL+"/pot")
	if r.Status != http.StatusTeapot || r.Header.Get("X-Test") != "yes" || r.Body != "short and stout" || r.Version != "1.1" {
		t.Fatalf("got %+v", r)
	}
}

func TestStartStopsAtCleanup(t *testing.T) {
	stopped := make(chan struct{})
	t.Run("inner", func(t *testing.T) {
		got := Start(t, func(ctx context.Context, ready func(int)) error {
			ready(42)
			<-ctx.Done()
			close(stopped)
			return nil
		})
		if got != 42 {
			t.Fatalf("ready gave %d", got)
		}
	})
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("run was not stopped at cleanup")
	}
}

func TestStartReportsEarlyError(t *testing.T) {
	ft := &fakeT{TB: t}
	func() {
		defer func() { _ = recover() }()
		Start(ft, func(ctx context.Context, ready func(int)) error { return errors.New("port in use") })
	}()
	if !strings.Contains(ft.msg, "port in use") {
		t.Fatalf("error not reported: %q", ft.msg)
	}
}

// fakeT records a Fatalf instead of ending the test.
type fakeT struct {
	testing.TB
	msg string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic("fatal")
}

// Two tabs of one browser see the same server: what one posts, the other
// reads. This proves the harness end to end without lws.
func TestBrowserTwoTabs(t *testing.T) {
	var last atomic.Value
	last.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/post" {
			last.Store(r.URL.Query().Get("m"))
			return
		}
		fmt.Fprintf(w, `<html><body><input id="m"><p id="last">%s</p></body></html>`, last.Load())
	}))
	defer srv.Close()
	b := NewBrowser(t)
	a := b.NewTab(srv.URL + "/")
	a.Type("#m", "typed in tab a")
	if v := a.Value("#m"); v != "typed in tab a" {
		t.Fatalf("input holds %q", v)
	}
	// A synchronous request, so the post has arrived when Eval returns.
	a.Eval(`(() => { const x = new XMLHttpRequest();
		x.open("GET", "/post?m=" + encodeURIComponent(document.getElementById("m").value), false);
		x.send(); return "sent"; })()`)
	other := b.NewTab(srv.URL + "/")
	other.WaitFor("other tab", func() string { return other.Text("#last") }, "typed in tab a", 5*time.Second)
}

func TestHexdumpText(t *testing.T) {
	var out strings.Builder
	log := logs.New(&out, 1|2|4) // lws mask: err, warn, notice
	logs.Hexdump(log, logs.LevelNotice, []byte("<td>a value that spans lines</td>\x01"))
	if got := HexdumpText(out.String()); got != "<td>a value that spans lines</td>." {
		t.Fatalf("got %q from\n%s", got, out.String())
	}
}

func TestProc(t *testing.T) {
	p := StartProc(t, "sh", "-c", "echo one; echo two; echo two; exit 3")
	p.WaitLog(t, "two", 2, 5*time.Second)
	if err := p.Wait(t, 5*time.Second); err == nil || !strings.Contains(p.Log(), "one\n") {
		t.Fatalf("err %v, log %q", err, p.Log())
	}
	// Still running at the end of the test: SIGTERM stops it.
	StartProc(t, "sleep", "60")
}

// The pair loads, names localhost and 127.0.0.1, and the files hold it.
func TestLocalhostCert(t *testing.T) {
	pair, err := tls.X509KeyPair(LocalhostCert, LocalhostKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := leaf.VerifyHostname("localhost"); err != nil {
		t.Fatal(err)
	}
	if err := leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	cert, key := CertFiles(t)
	if _, err := tls.LoadX509KeyPair(cert, key); err != nil {
		t.Fatal(err)
	}
}

func TestCoreDir(t *testing.T) {
	if _, err := os.Stat(filepath.Join(CoreDir(t), "lwstest", "cert.go")); err != nil {
		t.Fatal(err)
	}
}
