package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
	"github.com/lws-go/lws-go/lws/ss"
)

// Golden file: static-policy.go is exactly what policy2go makes of
// policy.json today (run `go generate` after changing either).
func TestStaticPolicyIsGenerated(t *testing.T) {
	data, err := os.ReadFile("policy.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ss.ParsePolicy(data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.GoSource("main", "StaticPolicy", data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("static-policy.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("static-policy.go is stale: run go generate")
	}
	// And the compiled-in data is the parsed policy: both write the same
	// Go.
	again, err := StaticPolicy.GoSource("main", "StaticPolicy", data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, want) {
		t.Fatal("the compiled static policy differs from the parsed JSON")
	}
}

// Against the TLS server: the page arrives, the trust store is built when
// the stream is created and destroyed with it.
func TestFetchWithStaticPolicy(t *testing.T) {
	cert, key := lwstest.CertFiles(t)
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", TLS: lws.TLSInfo{CertFile: cert, KeyFile: key},
			Mounts: []lws.Mount{{Mountpoint: "/", OriginFS: fstest.MapFS{"index.html": {Data: []byte("<html>static</html>")}}, Def: "index.html", OriginProtocol: lws.OriginFile}},
		}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	_, ps, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	port, _ := strconv.Atoi(ps)
	var out bytes.Buffer
	if err := run(context.Background(), switches.MustParse([]string{"staticpolicy"}), &out, port); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	log := out.String()
	built := strings.Index(log, "trust store localhost_ts built")
	creating := strings.Index(log, "myss_state: CREATING")
	destroying := strings.Index(log, "myss_state: DESTROYING")
	destroyed := strings.Index(log, "trust store localhost_ts destroyed")
	if built < 0 || creating < built || destroying < creating || destroyed < destroying || !strings.Contains(log, "Completed: OK") {
		t.Fatalf("want the store built before CREATING and destroyed after DESTROYING:\n%s", log)
	}
}
