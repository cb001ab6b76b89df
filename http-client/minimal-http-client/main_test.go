package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// server runs an lws-go file server on localhost (TLS with tlsInfo, h2c
// prior knowledge allowed) and returns its port.
func server(t *testing.T, tlsInfo lws.TLSInfo) string {
	t.Helper()
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", TLS: tlsInfo, Options: lws.OptionH2PriorKnowledge,
			Mounts: []lws.Mount{{Mountpoint: "/", OriginFS: fstest.MapFS{"index.html": {Data: []byte("<html>hello</html>")}}, Def: "index.html", OriginProtocol: lws.OriginFile}},
		}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	return port
}

func fetch(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"http-client"}, args...)), &out)
	return out.String(), err
}

func TestGETOverTLSWithALPN(t *testing.T) {
	cert, key := lwstest.CertFiles(t)
	port := server(t, lws.TLSInfo{CertFile: cert, KeyFile: key})
	out, err := fetch(t, "-l", "-p", port)
	if err != nil || !strings.Contains(out, "Connected with server response: 200 (HTTP/2.0)") || !strings.Contains(out, "Completed: OK") {
		t.Fatalf("h2: %v\n%s", err, out)
	}
	if !strings.Contains(out, "<html>hello</ht") { // the hexdump's text column
		t.Fatalf("body not dumped:\n%s", out)
	}
	out, err = fetch(t, "-l", "--h1", "-p", port)
	if err != nil || !strings.Contains(out, "(HTTP/1.1)") {
		t.Fatalf("--h1: %v\n%s", err, out)
	}
	// Without -l (self-signed not allowed) over TLS: refused.
	if _, err := fetch(t, "--server", "localhost", "-p", port); !errors.Is(err, errNot200) {
		t.Fatalf("self-signed accepted without -l/-j: %v", err)
	}
}

func TestPlainAndPriorKnowledge(t *testing.T) {
	port := server(t, lws.TLSInfo{})
	if out, err := fetch(t, "-p", port); err != nil || !strings.Contains(out, "(HTTP/1.1)") {
		t.Fatalf("plain: %v\n%s", err, out)
	}
	if out, err := fetch(t, "--h2-prior-knowledge", "-p", port); err != nil || !strings.Contains(out, "(HTTP/2.0)") {
		t.Fatalf("h2c: %v\n%s", err, out)
	}
	// A 404 is not success.
	if _, err := fetch(t, "-p", port, "--path", "/missing"); !errors.Is(err, errNot200) {
		t.Fatalf("404: %v", err)
	}
}
