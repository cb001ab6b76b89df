package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/plugins"
)

// server is the fixture lws's tests use for this example, in one: the
// files of minimal-http-server-tls (plus /1.png../8.png for -n) and the
// test server's /formtest, over TLS with h2 by ALPN.
func server(t *testing.T) string {
	t.Helper()
	files := fstest.MapFS{"index.html": {Data: []byte("<html>hello</html>")}}
	for i := 1; i <= maxCount; i++ {
		files[strconv.Itoa(i)+".png"] = &fstest.MapFile{Data: bytes.Repeat([]byte{byte(i)}, 3000*i)}
	}
	cert, key := lwstest.CertFiles(t)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", TLS: lws.TLSInfo{CertFile: cert, KeyFile: key},
			Protocols: []*lws.Protocol{plugins.PostDemo},
			Mounts: []lws.Mount{
				{Mountpoint: "/", OriginFS: files, Def: "index.html", OriginProtocol: lws.OriginFile},
				{Mountpoint: "/formtest", OriginProtocol: lws.OriginCallback, Protocol: plugins.PostDemo.Name},
			},
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

func multi(args ...string) (string, error) {
	var out bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"http-client-multi"}, args...)), &out)
	return out.String(), err
}

// combos are lws's test switches: every subset of the given ones.
func combos(switches ...string) [][]string {
	out := [][]string{nil}
	for _, s := range switches {
		for _, c := range out {
			out = append(out, append(append([]string(nil), c...), s))
		}
	}
	return out
}

// The CTest matrix of lws's minimal-http-client-multi: GETs and POSTs in
// every combination of --h1, -p and -s must pass, each transaction a 200
// over the HTTP version asked for.
func TestMultiMatrix(t *testing.T) {
	port := server(t)
	for _, post := range []bool{false, true} {
		for _, sw := range combos("--h1", "-p", "-s") {
			args := append([]string{"-l", "--port", port}, sw...)
			if post {
				args = append(args, "--post")
			}
			t.Run(strings.Join(args[3:], " "), func(t *testing.T) {
				t.Parallel()
				out, err := multi(args...)
				if err != nil || !strings.Contains(out, "Done: all OK") || !strings.Contains(out, "Exiting with 0") {
					t.Fatalf("%v: %v\n%s", args, err, out)
				}
				proto := "HTTP/2.0"
				if strings.Contains(strings.Join(sw, " "), "--h1") {
					proto = "HTTP/1.1"
				}
				if n := strings.Count(out, "resp 200 ("+proto+")"); n != maxCount {
					t.Fatalf("%v: %d of %d responses were 200 over %s\n%s", args, n, maxCount, proto, out)
				}
			})
		}
	}
}

// lws's proof of connection reuse: with at most one TLS connection
// (--limit 1) every transaction passes when pipelined, and the run fails
// without pipelining.
func TestMultiOneConnection(t *testing.T) {
	port := server(t)
	for _, sw := range [][]string{{"-p"}, {"--h1", "-p"}, {"-p", "-s"}, {"--h1", "-p", "-s"}} {
		args := append([]string{"-l", "--port", port, "--limit", "1"}, sw...)
		if out, err := multi(args...); err != nil || !strings.Contains(out, "Done: all OK") {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	for _, sw := range [][]string{nil, {"--h1"}} {
		args := append([]string{"-l", "--port", port, "--limit", "1"}, sw...)
		out, err := multi(args...)
		if !errors.Is(err, errFailed) || !strings.Contains(out, "simultaneous TLS connection limit reached") || !strings.Contains(out, "Exiting with 1") {
			t.Fatalf("%v must fail on the connection limit: %v\n%s", args, err, out)
		}
	}
}

// -n fetches /1.png../8.png; each arrives whole (/n.png is 3000*n bytes).
func TestMultiNumbered(t *testing.T) {
	port := server(t)
	out, err := multi("-l", "--port", port, "-n", "-p")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[int]int{}
	for _, line := range strings.Split(out, "\n") {
		var idx, n int
		if _, rest, ok := strings.Cut(line, "RECEIVE_CLIENT_HTTP_READ: "); ok {
			if _, err := fmt.Sscanf(rest, "conn %d: read %d", &idx, &n); err == nil {
				got[idx] += n
			}
		}
	}
	for m := range maxCount {
		if !strings.Contains(out, "started connection: idx "+strconv.Itoa(m)+" (/"+strconv.Itoa(m+1)+".png)") || got[m] != 3000*(m+1) {
			t.Fatalf("idx %d: %d bytes of /%d.png, want %d\n%s", m, got[m], m+1, 3000*(m+1), out)
		}
	}
}

// -c limits the count; a server that is not there fails every transaction.
func TestMultiNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	out, err := multi("-l", "--port", port, "-c", "3")
	if !errors.Is(err, errFailed) || !strings.Contains(out, "Done: failed: 3") {
		t.Fatalf("%v\n%s", err, out)
	}
}
