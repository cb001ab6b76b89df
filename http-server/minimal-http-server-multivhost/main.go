// Command minimal-http-server-multivhost is lws's
// minimal-http-server-multivhost in Go: three explicitly created vhosts.
// "localhost1" listens on 7681; "localhost2" and "localhost3" share 7682
// and are told apart by the Host: header (localhost2, created first, also
// answers for any other name). localhost3 has a destruction notification.
//
//	go run . [-d <loglevel>] [--die-after-vhost]
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
	"os/signal"
	"syscall"

	"github.com/lws-go/lws-go/lws"
	"github.com/lws-go/lws-go/lws/cmdline"
	"github.com/lws-go/lws-go/lws/logs"
)

//go:embed mount-origin-localhost1 mount-origin-localhost2 mount-origin-localhost3
var origins embed.FS

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, [2]int{7681, 7682}, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
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

// run is the whole example. ports are localhost1's and the shared one (0
// picks a free port, and localhost3 then joins whatever localhost2 got).
func run(ctx context.Context, args []string, ports [2]int, logOut io.Writer, ready func(*lws.Context)) error {
	log := logs.New(logOut, cmdline.Builtin(args).LogLevel)
	logs.Userf(log, "LWS minimal http server-multivhost | visit http://localhost:7681 / 7682")

	// EXPLICIT_VHOSTS: the context makes no default vhost; we create ours.
	c, err := lws.NewContext(lws.ContextInfo{Logger: log, VhostInfo: lws.VhostInfo{Options: lws.OptionExplicitVhosts}})
	if err != nil {
		return fmt.Errorf("lws init failed: %w", err)
	}
	shared := ports[1]
	for _, v := range []struct {
		name string
		port int
	}{{"localhost1", ports[0]}, {"localhost2", shared}, {"localhost3", shared}} {
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
	if ready != nil {
		ready(c)
	}
	if cmdline.Has(args, "--die-after-vhost") {
		logs.Userf(log, "--die-after-vhost: exiting")
		c.Destroy()
		return nil
	}
	return c.Run(ctx)
}
