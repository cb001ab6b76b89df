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
	"github.com/lws-go/lws-go/lws/plugins"
)

// testServer is the test server's TLS side in one process: files and the
// /formtest handler, with the certificate in the policy's trust store.
func testServer(t *testing.T) string {
	t.Helper()
	cert, key := lwstest.CertFiles(t)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", TLS: lws.TLSInfo{CertFile: cert, KeyFile: key},
			Protocols: []*lws.Protocol{plugins.PostDemo},
			Mounts: []lws.Mount{
				{Mountpoint: "/", OriginFS: fstest.MapFS{"test.html": {Data: []byte("<html>seq</html>")}}, Def: "test.html", OriginProtocol: lws.OriginFile},
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

func runSeq(t *testing.T, overlay string, args ...string) (string, error) {
	var out bytes.Buffer
	err := run(context.Background(), switches.MustParse(append([]string{"seq"}, args...)), &out, []byte(overlay))
	return out.String(), err
}

// The sequencer creates the stream, hears its states as events, and ends
// the run when the stream reports the whole payload.
func TestGETAndPOST(t *testing.T) {
	port := testServer(t)
	overlay := `{"s": [{"mintest": {"port": ` + port + `}}, {"minpost": {"port": ` + port + `}}]}`
	out, err := runSeq(t, overlay)
	if err != nil || !strings.Contains(out, "Completed: OK") || !strings.Contains(out, "seq CONNECTED") || !strings.Contains(out, "LWSSEQ_DESTROYED") {
		t.Fatalf("GET: %v\n%s", err, out)
	}
	out, err = runSeq(t, overlay, "--h1post")
	if err != nil || !strings.Contains(out, "Completed: OK") {
		t.Fatalf("POST: %v\n%s", err, out)
	}
	// The form handler's reply, from the hexdump at info level: the text
	// field arrived urldecoded, 13 bytes.
	out, _ = runSeq(t, overlay, "--h1post", "-d", "1039")
	if !strings.Contains(lwstest.HexdumpText(out), "<td><b>text</b></td><td>13</td><td>hello from ss</td>") {
		t.Fatalf("the form did not reach the server:\n%s", out)
	}
}

// -f: nothing listens; the backoff conceals three failures, then the
// sequencer hears ALL_RETRIES_FAILED and the run fails.
func TestBackoffToFailure(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	out, err := runSeq(t, `{"s": [{"mintest-fail": {"endpoint": "127.0.0.1", "port": `+port+`}}]}`, "-f")
	if !errors.Is(err, errFailed) || strings.Count(out, "seq UNREACHABLE") != 4 || !strings.Contains(out, "seq ALL_RETRIES_FAILED") {
		t.Fatalf("%v\n%s", err, out)
	}
}
