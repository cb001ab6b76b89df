package lws

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var testFS = fstest.MapFS{
	"index.html":      {Data: []byte("<html>index</html>")},
	"404.html":        {Data: []byte("<html>custom 404</html>")},
	"example.js":      {Data: []byte("var x = 1;")},
	"sub/index.html":  {Data: []byte("sub index")},
	"archive.tar.bz2": {Data: []byte("BZh")},
}

func fileVhost(opts Option) VhostInfo {
	return VhostInfo{
		Name:             "localhost",
		Protocols:        []*Protocol{{Name: "http", Callback: HTTPDummy}},
		Mounts:           []Mount{{Mountpoint: "/", OriginFS: testFS, Def: "index.html", OriginProtocol: OriginFile}},
		ErrorDocument404: "/404.html",
		Options:          opts,
	}
}

func TestFileMount(t *testing.T) {
	c := startContext(t, ContextInfo{VhostInfo: fileVhost(OptionHTTPHeadersSecurity)})
	base := "http://" + c.Vhosts()[0].Addr()
	tests := []struct {
		path, body, ctype string
		status            int
	}{
		{"/", "<html>index</html>", "text/html", 200},
		{"/index.html", "<html>index</html>", "text/html", 200},
		{"/example.js", "var x = 1;", "text/javascript", 200},
		{"/sub/", "sub index", "text/html", 200},
		{"/missing.html", "<html>custom 404</html>", "text/html", 404},
		{"/archive.tar.bz2", "", "", 403}, // unknown type: lws refuses
	}
	for _, tt := range tests {
		resp, body := httpGet(t, base+tt.path)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d want %d", tt.path, resp.StatusCode, tt.status)
		}
		if tt.body != "" && body != tt.body {
			t.Errorf("%s: body %q want %q", tt.path, body, tt.body)
		}
		if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: content-type %q want %q", tt.path, resp.Header.Get("Content-Type"), tt.ctype)
		}
		if got := resp.Header.Get("X-Frame-Options"); got != "deny" {
			t.Errorf("%s: x-frame-options %q", tt.path, got)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s: no CSP", tt.path)
		}
	}
}

func TestExtraMimetypes(t *testing.T) {
	info := fileVhost(0)
	info.Mounts[0].ExtraMimetypes = map[string]string{".bz2": "application/x-bzip2"}
	c := startContext(t, ContextInfo{VhostInfo: info})
	resp, body := httpGet(t, "http://"+c.Vhosts()[0].Addr()+"/archive.tar.bz2")
	if resp.StatusCode != 200 || body != "BZh" || resp.Header.Get("Content-Type") != "application/x-bzip2" {
		t.Fatalf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// rawRequest sends a request line exactly as given (Go's client would clean
// the path) and returns the status line.
func rawRequest(t *testing.T, addr, target string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target)
	b, _ := io.ReadAll(conn)
	line, _, _ := strings.Cut(string(b), "\r\n")
	return line
}

func TestPathTraversalRefused(t *testing.T) {
	c := startContext(t, ContextInfo{VhostInfo: fileVhost(0)})
	addr := c.Vhosts()[0].Addr()
	for _, target := range []string{
		"/../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
		"/sub/..%2f..%2f..%2fetc/passwd",
		"/..%5c..%5cetc%5cpasswd",
	} {
		if got := rawRequest(t, addr, target); !strings.Contains(got, " 403 ") && !strings.Contains(got, " 400 ") {
			t.Errorf("%s: %q, want 403 (or 400)", target, got)
		}
	}
}

// dyn is a callback mount protocol in the style of minimal-http-server-dynamic.
type dynPss struct{ sent int }

func dynProtocol() *Protocol {
	return &Protocol{Name: "http", NewSession: func() any { return &dynPss{} }, Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		p, _ := pss.(*dynPss)
		switch reason {
		case ReasonHTTP:
			if err := c.AddHTTPCommonHeaders(200, "text/plain", LengthUnknown); err != nil {
				return err
			}
			if err := c.FinalizeWriteHTTPHeader(); err != nil {
				return err
			}
			c.CallbackOnWritable()
		case ReasonHTTPWriteable:
			p.sent++
			kind := WriteHTTP
			if p.sent == 3 {
				kind = WriteHTTPFinal
			}
			if _, err := c.Write([]byte(fmt.Sprintf("piece %d of %s\n", p.sent, c.Path())), kind); err != nil {
				return err
			}
			if kind == WriteHTTP {
				c.CallbackOnWritable()
			}
		}
		return nil
	}}
}

func TestCallbackMount(t *testing.T) {
	info := fileVhost(0)
	info.Protocols = []*Protocol{dynProtocol()}
	info.Mounts = append(info.Mounts, Mount{Mountpoint: "/dyn", Protocol: "http", OriginProtocol: OriginCallback})
	c := startContext(t, ContextInfo{VhostInfo: info})
	resp, body := httpGet(t, "http://"+c.Vhosts()[0].Addr()+"/dyn/x")
	want := "piece 1 of /dyn/x\npiece 2 of /dyn/x\npiece 3 of /dyn/x\n"
	if resp.StatusCode != 200 || body != want {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	// "/dynamo" is not under "/dyn": it falls to the file mount.
	if resp, _ := httpGet(t, "http://"+c.Vhosts()[0].Addr()+"/dynamo"); resp.StatusCode != 404 {
		t.Fatalf("/dynamo: %d", resp.StatusCode)
	}
}

func TestVhostsByHost(t *testing.T) {
	mk := func(name, body string, port int) VhostInfo {
		return VhostInfo{Name: name, Port: port, Interface: "127.0.0.1",
			Mounts: []Mount{{Mountpoint: "/", OriginFS: fstest.MapFS{"index.html": {Data: []byte(body)}}, Def: "index.html", OriginProtocol: OriginFile}}}
	}
	c := startContext(t, ContextInfo{VhostInfo: VhostInfo{Options: OptionExplicitVhosts}, Logger: nil})
	got := make(chan error, 1)
	c.Do(func() {
		v2, err := c.CreateVhost(mk("localhost2", "two", 0))
		if err == nil {
			_, err = c.CreateVhost(mk("localhost3", "three", v2.Port()))
		}
		got <- err
	})
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	addr := c.VhostByName("localhost2").Addr()
	for host, want := range map[string]string{"localhost2": "two", "localhost3": "three", "other": "two"} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != want {
			t.Errorf("Host %s: %q want %q", host, b, want)
		}
	}
}

// selfSigned returns a PEM certificate and key for localhost.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

func TestTLSNegotiatesH2(t *testing.T) {
	cert, key := selfSigned(t)
	info := fileVhost(0)
	info.TLS = TLSInfo{CertMem: cert, KeyMem: key}
	c := startContext(t, ContextInfo{VhostInfo: info})
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + c.Vhosts()[0].Addr() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != 200 {
		t.Fatalf("got %s %d, want HTTP/2 200", resp.Proto, resp.StatusCode)
	}
}
