package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"sync"

	"github.com/lws-go/lws-go/lws"
)

//go:embed mount-origin
var mountOrigin embed.FS

// peers are what lws's test finds at libwebsockets.org, on this machine:
// a web server (an lws context serving mount-origin, 404 for anything
// else), a port that accepts and never answers (lws uses port 22, where
// an HTTPS client waits for ever), and a port nothing listens on (lws uses
// a name that does not resolve: both fail at connect).
type peers struct {
	web, silent, closed int
	stop                func()
}

func startPeers(ctx context.Context, log *slog.Logger) (*peers, error) {
	origin, err := fs.Sub(mountOrigin, "mount-origin")
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	p := &peers{}

	srv, err := lws.NewContext(lws.ContextInfo{
		Logger: log.With("peer", "web"),
		VhostInfo: lws.VhostInfo{
			Port:      0,
			Interface: "127.0.0.1",
			Mounts:    []lws.Mount{{Mountpoint: "/", OriginFS: origin, Def: "index.html", OriginProtocol: lws.OriginFile}},
		},
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("web peer: %w", err)
	}
	p.web = srv.Vhosts()[0].Port()
	wg.Add(1)
	go func() { defer wg.Done(); _ = srv.Run(sctx) }()

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		wg.Wait()
		return nil, err
	}
	p.silent = silent.Addr().(*net.TCPAddr).Port
	var conns sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			// read the request and never answer, until the peer goes
			conns.Add(1)
			go func() { defer conns.Done(); _, _ = io.Copy(io.Discard, c); c.Close() }()
			context.AfterFunc(sctx, func() { c.Close() })
		}
	}()

	// a port that was free a moment ago: connecting is refused
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		silent.Close()
		wg.Wait()
		return nil, err
	}
	p.closed = l.Addr().(*net.TCPAddr).Port
	l.Close()

	p.stop = func() {
		cancel()
		if err := silent.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			log.Warn("silent peer", "err", err)
		}
		wg.Wait()
		conns.Wait()
	}
	return p, nil
}
