// Command minimal-http-server-multivhost is lws's
// minimal-http-server-multivhost in Go: three explicitly created vhosts.
// "localhost1" listens on 7681; "localhost2" and "localhost3" share 7682
// and are told apart by the Host: header (localhost2, created first, also
// answers for any other name). localhost3 has a destruction notification.
//
//	go run . [--port <port>] [--shared-port <port>] [--die-after-vhost] [-d <loglevel>]
//
// --die-after-vhost creates the vhosts and exits at once, showing the
// notification.
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

//go:embed mount-origin-localhost1 mount-origin-localhost2 mount-origin-localhost3
var origins embed.FS

// switches are the command line: lws's names and defaults (lws_switches).
var switches = cmdline.Switches{
	cmdline.Port(7681),
	{Name: "--shared-port", Kind: cmdline.Int, Arg: "port", Default: "7682", Help: "port localhost2 and localhost3 share (0: any free port)", Max: 65535},
	{Name: "--die-after-vhost", Help: "create the vhosts and exit at once, showing the destruction notification"},
}

func main() {
	cmdline.Main(switches, func(ctx context.Context, o *cmdline.Values) error { return run(ctx, o, os.Stderr, nil) })
}

// vhostInfo describes one vhost serving its own folder.
func vhostInfo(name string, port int) (lws.VhostInfo, error) {
	origin, err := fs.Sub(origins, "mount-origin-"+name)
	if err != nil {
		return lws.VhostInfo{}, fmt.Errorf("%s: %w", name, err)
	}
	return lws.VhostInfo{
		Name: name,
		Port: port,
		Mounts: []lws.Mount{{
			Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile,
		}},
		ErrorDocument404: "/404.html",
	}, nil
}

// run is the whole example. --port is localhost1's and --shared-port the
// one localhost2 and localhost3 share (0 picks a free port, and localhost3
// then joins whatever localhost2 got).
func run(ctx context.Context, o *cmdline.Values, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, o.LogLevel())

	// EXPLICIT_VHOSTS: the context makes no default vhost; we create ours.
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	shared := o.Int("--shared-port")
	for _, v := range []struct {
		name string
		port int
	}{{"localhost1", o.Int("--port")}, {"localhost2", shared}, {"localhost3", shared}} {
		info, err := vhostInfo(v.name, v.port)
		if err != nil {
			c.Destroy()
			return err
		}
		if v.name == "localhost3" {
			info.Port = shared
			// lws's finalize callback: told when the vhost is destroyed.
			info.Finalize = func(vh *lws.Vhost) {
				logs.Userf(log, "vh_destruction_notification: called for %s", vh.Name())
			}
		}
		vh, err := c.CreateVhost(info)
		if err != nil {
			c.Destroy()
			return fmt.Errorf("failed to create vhost %s: %w", v.name, err)
		}
		if v.name == "localhost2" {
			shared = vh.Port() // localhost3 shares whatever port localhost2 got
		}
	}
	logs.Userf(log, "LWS minimal http server-multivhost | visit http://localhost:%d / %d", c.Vhosts()[0].Port(), shared)
	if ready != nil {
		ready(c)
	}
	if o.Has("--die-after-vhost") {
		logs.Userf(log, "--die-after-vhost: exiting")
		c.Destroy()
		return nil
	}
	return c.Run(ctx)
}
