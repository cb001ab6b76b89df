package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// tlsServer is the peer the example is written for: an lws-go server with
// the workspace's localhost-100y certificate (the one in the policy's trust
// store), serving index.html.
func tlsServer(t *testing.T) string {
	t.Helper()
	cert, key := lwstest.CertFiles(t)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", TLS: lws.TLSInfo{CertFile: cert, KeyFile: key},
			Mounts: []lws.Mount{{Mountpoint: "/", OriginFS: fstest.MapFS{"index.html": {Data: []byte("<html>secure streams</html>")}}, Def: "index.html", OriginProtocol: lws.OriginFile}},
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

func mintest(t *testing.T, port string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	overlay := []byte(`{"s": [{"mintest": {"port": ` + port + `}}]}`)
	err := run(context.Background(), switches.MustParse(append([]string{"minimal-secure-streams-metadata"}, args...)), &out, overlay)
	return out.String(), err
}

// The page arrives over TLS verified against the policy's trust store;
// the states follow lws's order and the run ends "Completed: OK".
func TestFetchThroughPolicy(t *testing.T) {
	out, err := mintest(t, tlsServer(t))
	if err != nil || !strings.HasSuffix(strings.TrimSpace(out), "Completed: OK") {
		t.Fatalf("%v\n%s", err, out)
	}
	var states []string
	for _, l := range strings.Split(out, "\n") {
		if _, st, ok := strings.Cut(l, "myss_state: "); ok && !strings.HasPrefix(st, "LWSSSCS") {
			states = append(states, strings.Split(st, ",")[0])
		}
	}
	want := "CREATING CONNECTING CONNECTED QOS_ACK_REMOTE DISCONNECTED DESTROYING"
	if got := strings.Join(states, " "); got != want {
		t.Fatalf("states %s\nwant   %s", got, want)
	}
	if !strings.Contains(out, "myss_rx: len 27, flags: 1") || !strings.Contains(out, "myss_rx: len 0, flags: 2") {
		t.Fatalf("rx not SOM then a zero-length EOM:\n%s", out)
	}
}

// The host comes from metadata: -u 127.0.0.1 reaches the same server (its
// certificate names 127.0.0.1 too); -u a name nobody resolves fails.
func TestHostFromMetadata(t *testing.T) {
	port := tlsServer(t)
	out, err := mintest(t, port, "-u", "127.0.0.1")
	if err != nil || !strings.Contains(out, "Completed: OK") {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err = mintest(t, port, "-u", "no-such-host.invalid", "--timeout_ms", "1000")
	if !errors.Is(err, errFailed) || !strings.Contains(out, "no-such-host.invalid") {
		t.Fatalf("%v\n%s", err, out)
	}
}

// A server whose certificate is not in the trust store is never reached:
// every attempt fails verification until the watchdog ends the run.
func TestUntrustedServerRefused(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("request reached an untrusted server")
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	out, err := mintest(t, port, "--timeout_ms", "1500")
	if !errors.Is(err, errFailed) || !strings.Contains(out, "certificate") || !strings.Contains(out, "UNREACHABLE") {
		t.Fatalf("%v\n%s", err, out)
	}
}
