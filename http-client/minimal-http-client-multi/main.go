// Command minimal-http-client-multi is lws's minimal-http-client-multi in
// Go: eight (or -c n) transactions at once to one server, each on its own
// connection or, with -p, sharing one (queued on it for HTTP/1.1, streams
// of it for h2). The exit status is 0 only if all of them completed with a
// 200 (protocol_http.go).
//
// lws's example talks to libwebsockets.org; this one talks to the
// workspace's TLS server on localhost:7681 by default (self-signed allowed,
// as lws's -l), so it works offline:
//
//	go run ./http-server/minimal-http-server-tls &
//	go run ./http-client/minimal-http-client-multi -p
//
// The switches are lws's (--help lists them); --post needs the test server
// with -s.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

// maxCount is lws's COUNT: the most transactions one run makes.
const maxCount = 8

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	{Name: "-s", Help: "staggered starts: 100 ms, then 300 ms apart, the last 700 ms later still"},
	{Name: "-p", Help: "pipeline: share one connection (queued for HTTP/1.1, streams for h2)"},
	{Name: "--h1", Help: "HTTP/1.1 only (no h2 by ALPN)"},
	{Name: "-l", Help: "localhost, self-signed allowed (the default here)"},
	{Name: "-n", Help: "numbered: fetch /1.png to /8.png"},
	{Name: "--post", Help: "multipart POSTs to /formtest (run the test server with -s)"},
	{Name: "-c", Kind: cmdline.Int, Arg: "n", Default: strconv.Itoa(maxCount), Help: "how many transactions", Min: 1, Max: maxCount},
	{Name: "--path", Kind: cmdline.String, Arg: "path", Help: "path to fetch (default /)"},
	{Name: "--server", Kind: cmdline.String, Arg: "host", Help: "a public server, its certificate verified, port 443 (default localhost)"},
	{Name: "--port", Kind: cmdline.Int, Arg: "port", Default: "7681", Help: "server port (443 with --server)", Max: 65535},
	{Name: "--no-tls", Help: "no TLS"},
	{Name: "--limit", Kind: cmdline.Int, Arg: "n", Help: "at most n TLS connections at once", Max: 1 << 20},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr) })
}

var errFailed = errors.New("http client multi: not every transaction completed")

// options are the run's switches.
type options struct {
	info      lws.ClientConnectInfo
	count     int
	numbered  bool
	posting   bool
	staggered bool
	limit     int
}

func parse(o *cmdline.Values) options {
	opts := options{count: o.Int("-c"), limit: o.Int("--limit"), posting: o.Has("--post"), numbered: o.Has("-n"), staggered: o.Has("-s")}
	i := lws.ClientConnectInfo{Address: "localhost", Port: 7681, Path: "/", Method: "GET", LocalProtocolName: "http",
		SSLConnection: lws.UseSSL | lws.AllowSelfSigned}
	if opts.posting {
		i.Method, i.Path = "POST", "/formtest"
		i.SSLConnection |= lws.HTTPMultipartMIME
	}
	if o.Has("-p") {
		i.SSLConnection |= lws.Pipeline // h1 or h2 connection sharing
	}
	if o.Has("--h1") {
		i.ALPN = "http/1.1"
	}
	if o.Has("--no-tls") {
		i.SSLConnection &^= lws.UseSSL
	}
	if o.Has("--server") {
		// A public server: its certificate must verify, port 443 and
		// lws's public form path unless given.
		i.Address, i.Port = o.String("--server"), 443
		i.SSLConnection &^= lws.AllowSelfSigned
		if opts.posting {
			i.Path = "/testserver/formtest"
		}
	}
	if o.Has("--port") {
		i.Port = o.Int("--port")
	}
	if o.Has("--path") {
		i.Path = o.String("--path")
	}
	i.Host, i.Origin = i.Address, i.Address
	opts.info = i
	return opts
}

func run(ctx context.Context, sw *cmdline.Values, logOut io.Writer) error {
	log := logs.New(logOut, sw.LogLevel())
	logs.Userf(log, "LWS minimal http client [-s (staggered)] [-p (pipeline)]")
	logs.Userf(log, "   [--h1 (http/1 only)] [-l (localhost)] [-d <logs>]")
	logs.Userf(log, "   [-n (numbered)] [--post]")
	o := parse(sw)
	c, err := lws.NewContext(lws.ContextInfo{
		Logger: log,
		// --limit: lws's simultaneous_ssl_restriction.
		SimultaneousSSLRestriction: o.limit,
		VhostInfo:                  lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{ProtocolHTTP}},
	})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	v, _ := c.Vhosts()[0].ProtocolData(ProtocolHTTP).(*multiVhd)
	v.count, v.posting = o.count, o.posting

	start := func(m int) {
		i := o.info
		if o.numbered {
			i.Path = "/" + strconv.Itoa(m+1) + ".png"
		}
		i.Userdata = &multiPss{idx: m} // lws's opaque_user_data
		if _, err := c.ClientConnect(i); err != nil {
			logs.Errf(log, "connect %d: %v", m, err)
			v.failed++
			v.finish(c)
			return
		}
		logs.Userf(log, "started connection: idx %d (%s)", m, i.Path)
	}
	if !o.staggered {
		// All at once: the pipeline queueing is tested before the first
		// connection is even up.
		c.Do(func() {
			for m := range o.count {
				start(m)
			}
		})
	} else {
		// 100 ms, then 300 ms apart, the last 700 ms later still: new
		// transactions join a connection that is already busy.
		var sul lws.Sul
		next := 0
		var stagger func(*lws.Sul)
		stagger = func(*lws.Sul) {
			start(next)
			next++
			if next == o.count {
				return
			}
			d := 300 * time.Millisecond
			if next == o.count-1 {
				d += 700 * time.Millisecond
			}
			c.Schedule(&sul, d, stagger)
		}
		c.Schedule(&sul, 100*time.Millisecond, stagger)
	}
	began := time.Now()
	if err := c.Run(ctx); err != nil {
		return err
	}
	logs.Userf(log, "Duration: %dms", time.Since(began).Milliseconds())
	failed := v.failed > 0 || v.completed != o.count
	exit := 0
	if failed {
		exit = 1
	}
	logs.Userf(log, "Exiting with %d", exit)
	if failed {
		return errFailed
	}
	return nil
}
