package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/plugins"
)

// formServer is the peer lws tests this example against: the test server's
// /formtest (the core's protocol-post-demo) over TLS, h2 by ALPN.
func formServer(t *testing.T) string {
	t.Helper()
	cert, key := lwstest.CertFiles(t)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", TLS: lws.TLSInfo{CertFile: cert, KeyFile: key},
			Protocols: []*lws.Protocol{plugins.PostDemo},
			Mounts:    []lws.Mount{{Mountpoint: "/formtest", OriginProtocol: lws.OriginCallback, Protocol: plugins.PostDemo.Name}},
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

func post(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"http-client-post"}, args...)), &out)
	return out.String(), err
}

// lws's ctest matrix: -l --port P, with and without -m and --h1.
func TestPostMatrix(t *testing.T) {
	port := formServer(t)
	for _, extra := range [][]string{nil, {"-m"}, {"--h1"}, {"-m", "--h1"}} {
		args := append([]string{"-l", "--port", port}, extra...)
		out, err := post(t, args...)
		if err != nil || !strings.HasSuffix(strings.TrimSpace(out), "Completed: OK") {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		proto := "(HTTP/2.0)"
		if len(extra) > 0 && extra[len(extra)-1] == "--h1" {
			proto = "(HTTP/1.1)"
		}
		clients := 1
		if len(extra) > 0 && extra[0] == "-m" {
			clients = 4
		}
		if n := strings.Count(out, "Connected with server response: 200 "+proto); n != clients {
			t.Fatalf("%v: %d responses over %s, want %d\n%s", args, n, proto, clients, out)
		}
		// The form's fields as the server parsed them, from the hexdump's
		// text column: "text" is 13 bytes, the file 44, as in lws's sample.
		dump := lwstest.HexdumpText(out)
		for _, want := range []string{"<td><b>text</b></td><td>13</td><td>my text field</td>", "myfile.txt, <b>length</b> 44"} {
			if strings.Count(dump, want) != clients {
				t.Fatalf("%v: reply lacks %q:\n%s", args, want, out)
			}
		}
	}
}

// A server that is not there: the POST fails with a connection error and
// the exit status says so.
func TestPostNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	out, err := post(t, "-l", "--port", port)
	if !errors.Is(err, errFailed) || !strings.Contains(out, "CLIENT_CONNECTION_ERROR") {
		t.Fatalf("err %v\n%s", err, out)
	}
}
