package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// start runs the example and returns the ports of "first" and "second".
func start(t *testing.T) (first, second string) {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		return run(ctx, switches.MustParse([]string{"lws-minimal-http-server-tls-mem", "--port", "0", "--port2", "0"}), new(lwstest.LogBuffer), ready)
	})
	_, first, _ = net.SplitHostPort(c.VhostByName("first").Addr())
	_, second, _ = net.SplitHostPort(c.VhostByName("second").Addr())
	return first, second
}

// curl verifies both vhosts against the certificate (no -k): the PEM and
// the DER copies of the pair both make a valid server.
func TestCurlVerifiesBothVhosts(t *testing.T) {
	first, second := start(t)
	cert, _ := lwstest.CertFiles(t)
	for _, port := range []string{first, second} {
		r := lwstest.Curl(t, "--cacert", cert, "https://localhost:"+port+"/")
		if r.Status != 200 || r.Version != "2" || !strings.Contains(r.Body, "TLS from memory") {
			t.Fatalf("port %s: %d over HTTP/%s", port, r.Status, r.Version)
		}
	}
}

// openssl s_client sees, on each port, exactly the certificate the
// example holds in DER, and verifies it.
func TestOpensslSeesTheCertificate(t *testing.T) {
	first, second := start(t)
	openssl := lwstest.RequirePeer(t, "openssl")
	cert, _ := lwstest.CertFiles(t)
	for _, port := range []string{first, second} {
		cmd := exec.Command(openssl, "s_client", "-connect", "127.0.0.1:"+port, "-servername", "localhost", "-CAfile", cert, "-verify_return_error")
		cmd.Stdin = strings.NewReader("")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Verify return code: 0 (ok)") {
			t.Fatalf("port %s: %v\n%s", port, err, out)
		}
		// The same certificate, byte for byte, through Go's client.
		conn, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"})
		if err != nil {
			t.Fatal(err)
		}
		got := conn.ConnectionState().PeerCertificates[0].Raw
		conn.Close()
		if !bytes.Equal(got, certDER) {
			t.Fatalf("port %s serves another certificate", port)
		}
	}
}

// Chromium loads the page from both vhosts over HTTP/2.
func TestChromiumBothVhosts(t *testing.T) {
	first, second := start(t)
	b := lwstest.NewBrowser(t)
	for _, port := range []string{first, second} {
		tab := b.NewTab("https://localhost:" + port + "/")
		tab.WaitFor("protocol note", func() string { return tab.Text("#proto") }, "arrived over h2", 10*time.Second)
	}
}
