package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/lwstest"
)

// An lws-go file server over TLS (h2 and h1) receives the long URL intact.
func TestHugeURL(t *testing.T) {
	seen := make(chan string, 4)
	record := &lws.Protocol{Name: "rec", Callback: func(c *lws.Conn, reason lws.Reason, pss any, in []byte) error {
		if reason == lws.ReasonHTTP {
			seen <- c.URLArg("fakeparam")
			if err := c.AddHTTPCommonHeaders(200, "text/plain", 2); err != nil {
				return err
			}
			c.CallbackOnWritable() // the body goes out from HTTP_WRITEABLE
			return c.FinalizeWriteHTTPHeader()
		}
		if reason == lws.ReasonHTTPWriteable {
			_, err := c.Write([]byte("ok"), lws.WriteHTTPFinal)
			return err
		}
		return nil
	}}
	c := lwstest.Start(t, func(ctx context.Context, ready func(*lws.Context)) error {
		c, err := lws.NewContext(lws.ContextInfo{VhostInfo: lws.VhostInfo{
			Name: "localhost", Interface: "127.0.0.1", Protocols: []*lws.Protocol{record},
			TLS: lws.TLSInfo{CertMem: lwstest.LocalhostCert, KeyMem: lwstest.LocalhostKey},
			Mounts: []lws.Mount{
				{Mountpoint: "/", Protocol: "rec", OriginProtocol: lws.OriginCallback},
				{Mountpoint: "/files", OriginFS: fstest.MapFS{}, OriginProtocol: lws.OriginFile},
			},
		}})
		if err != nil {
			return err
		}
		ready(c)
		return c.Run(ctx)
	})
	_, port, _ := net.SplitHostPort(c.Vhosts()[0].Addr())
	for _, extra := range [][]string{nil, {"--h1"}} {
		var out bytes.Buffer
		args := append([]string{"hugeurl", "-l", "-p", port}, extra...)
		if err := run(context.Background(), switches.MustParse(args), &out); err != nil {
			t.Fatalf("%v: %v\n%s", extra, err, out.String())
		}
		if got := <-seen; got != strings.Repeat("0", 2000) {
			t.Fatalf("server saw fakeparam of %d bytes", len(got))
		}
	}
}
