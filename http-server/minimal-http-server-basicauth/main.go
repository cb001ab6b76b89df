// Command minimal-http-server-basicauth is lws's
// minimal-http-server-basicauth in Go: "/" is open, "/secret" is behind
// HTTP Basic authentication checked against a password file of
// "user:password" lines. /secret/whoami is answered by the "http"
// protocol (protocol_http.go) with the authenticated user's name.
//
//	go run . [--port <port>] [--passwords <file>] [-d <loglevel>]
//
// Without --passwords the example's own ba-passwords (embedded, holding
// "user:password") is used.
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

var (
	//go:embed mount-origin mount-secret-origin
	pages embed.FS
	//go:embed ba-passwords
	baPasswords embed.FS
)

// switches are the command line: lws's names and defaults (lws_switches),
// and the password file.
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "--passwords", Kind: cmdline.String, Arg: "file", Help: "password file, one user:password a line (default: the example's ba-passwords)"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// run is the whole example; tests pass "--port 0", a log writer and a
// ready hook.
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, o.LogLevel())

	origin, err := fs.Sub(pages, "mount-origin")
	if err != nil {
		return fmt.Errorf("mount-origin: %w", err)
	}
	secret, err := fs.Sub(pages, "mount-secret-origin")
	if err != nil {
		return fmt.Errorf("mount-secret-origin: %w", err)
	}
	// lws's basic_auth_login_file: a file on disk, or the embedded one.
	auth := lws.Mount{BasicAuthLoginFile: "ba-passwords", BasicAuthFS: baPasswords}
	if f := o.String("--passwords"); f != "" {
		auth = lws.Mount{BasicAuthLoginFile: f}
	}
	mounts := []lws.Mount{
		// The open part of the URL space.
		{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile},
		// /secret overrides "/" (the longer mountpoint wins) and asks
		// for credentials.
		{Mountpoint: "/secret", OriginFS: secret, Def: "index.html", OriginProtocol: lws.OriginFile},
		// /secret/whoami is the protocol's, behind the same password file.
		{Mountpoint: "/secret/whoami", Protocol: "http", OriginProtocol: lws.OriginCallback},
	}
	for i := 1; i < len(mounts); i++ {
		mounts[i].BasicAuthLoginFile, mounts[i].BasicAuthFS = auth.BasicAuthLoginFile, auth.BasicAuthFS
	}
	info := lws.ContextInfo{
		Logger: log,
		VhostInfo: lws.VhostInfo{
			Port:             o.Int("--port"),
			Protocols:        []*lws.Protocol{ProtocolHTTP},
			Mounts:           mounts,
			ErrorDocument404: "/404.html",
			Options:          lws.OptionHTTPHeadersSecurity,
		},
	}
	c, err := lws.NewContext(info)
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	logs.Userf(log, "LWS minimal http server basic auth | visit http://localhost:%d", c.Vhosts()[0].Port())
	if ready != nil {
		ready(c)
	}
	return c.Run(ctx)
}
