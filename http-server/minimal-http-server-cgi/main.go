// Command minimal-http-server-cgi is lws's minimal-http-server-cgi in Go:
// the whole URL space "/" is a CGI mount that runs my-cgi-script.sh for
// every request: its stdout is the response, streamed as it comes, its
// stderr goes to the log, a POST body goes to its stdin.
//
//	go run . [--port <port>] [-s] [--script <file>] [--cgi-timeout <secs>] [--cgi-max-output <bytes>] [-d <loglevel>]
//
// The script is embedded; at start it is written, executable, into a
// temporary folder (lws runs it from the current folder), which goes when
// the server stops. --script runs another one instead.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

var (
	//go:embed my-cgi-script.sh
	script []byte
	//go:embed localhost-100y.cert
	certPEM []byte
	//go:embed localhost-100y.key
	keyPEM []byte
)

// switches are the command line: lws's names and defaults (lws_switches),
// the script, and the bounds a script runs within.
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "-s", Help: "use TLS / https (the localhost-100y certificate)"},
	{Name: "--script", Kind: cmdline.String, Arg: "file", Help: "CGI script to run (default: the example's my-cgi-script.sh)"},
	{Name: "--cgi-timeout", Kind: cmdline.Int, Arg: "secs", Default: "60", Help: "a script still running after this is killed", Min: 1, Max: 86400},
	{Name: "--cgi-max-output", Kind: cmdline.Int, Arg: "bytes", Default: "67108864", Help: "a script writing more than this is killed", Min: 1, Max: 1 << 40},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run is the whole example; tests pass "--port 0", a log writer and a
// ready hook.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, o.LogLevel())

	path := o.String("--script")
	if path == "" {
		// lws's example names cwd/my-cgi-script.sh; here the embedded
		// copy is written where it can be run.
		dir, err := os.MkdirTemp("", "lws-cgi-")
		if err != nil {
			return fmt.Errorf("script folder: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "my-cgi-script.sh")
		if err := os.WriteFile(path, script, 0o700); err != nil {
			return fmt.Errorf("write the script: %w", err)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("script: %w", err)
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port: o.Int("--port"),
			// One mount: every URL runs the script (LWSMPRO_CGI,
			// origin the script's absolute path).
			Mounts: []lws.Mount{{
				Mountpoint:     "/",
				Origin:         abs,
				OriginProtocol: lws.OriginCGI,
				CGITimeout:     o.Int("--cgi-timeout"),
				CGIMaxOutput:   int64(o.Int("--cgi-max-output")),
			}},
			Options: lws.OptionHTTPHeadersSecurity,
		},
	}
	scheme := "http"
	if o.Has("-s") {
		info.TLS = lws.TLSInfo{CertMem: certPEM, KeyMem: keyPEM}
		scheme = "https"
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal http server | visit %s://localhost:%d", scheme, c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
