package main

import (
	"fmt"
	"os"
	"time"

	"github.com/gorilla/websocket"
)

// idleMain opens n idle ws connections to minimal-ws-server and to a plain
// gorilla chat server and reports each server's RSS growth per connection.
func idleMain(args []string) error {
	fs := newFlags("idle")
	n := fs.Int("n", 5000, "connections")
	settle := fs.Duration("settle", 3*time.Second, "wait before reading RSS")
	if err := parse(fs, args); err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "wsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lwsBin, err := build(dir, "./ws-server/minimal-ws-server")
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	addrs, ports, err := freeAddrs(2)
	if err != nil {
		return err
	}
	cases := []struct {
		name, addr, proto string
		bin               string
		args              []string
	}{
		{"lws-go minimal-ws-server", addrs[0], "lws-minimal", lwsBin, []string{"-d", "1", "--port", ports[0]}},
		{"plain gorilla (goroutine per conn)", addrs[1], "", self, []string{"plain-chat", "-addr", addrs[1]}},
	}
	fmt.Printf("%-36s %8s %12s %12s %14s\n", "server", "conns", "rss before", "rss after", "bytes/conn")
	for _, c := range cases {
		per, before, after, err := measureIdle(c.name, c.addr, c.proto, c.bin, c.args, *n, *settle)
		if err != nil {
			return err
		}
		fmt.Printf("%-36s %8d %9d kB %9d kB %14.0f\n", c.name, *n, before, after, per)
	}
	return nil
}

func measureIdle(name, addr, proto, bin string, args []string, n int, settle time.Duration) (perConn float64, before, after int, err error) {
	s, err := startServer(name, addr, bin, args...)
	if err != nil {
		return 0, 0, 0, err
	}
	defer s.stop()
	time.Sleep(settle)
	if before, err = s.rssKB(); err != nil {
		return 0, 0, 0, err
	}
	d := websocket.Dialer{ReadBufferSize: 256, WriteBufferSize: 256}
	if proto != "" {
		d.Subprotocols = []string{proto}
	}
	conns := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, _, err := d.Dial("ws://"+addr+"/", nil)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s: connection %d: %w", name, i, err)
		}
		conns = append(conns, c)
	}
	time.Sleep(settle)
	if after, err = s.rssKB(); err != nil {
		return 0, 0, 0, err
	}
	return float64(after-before) * 1024 / float64(n), before, after, nil
}
