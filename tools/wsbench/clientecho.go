package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/lws-go/lws-go/lws"
)

// clientEchoMain measures ws clients, not servers: the lws-go client (the
// core's ClientConnect and the loop) and a plain gorilla client, each doing
// request/response echoes over c connections against the same
// minimal-ws-server-echo, interleaved.
func clientEchoMain(args []string) error {
	fs := newFlags("client-echo")
	conns := fs.Int("c", 50, "connections")
	size := fs.Int("size", 64, "message size in bytes")
	dur := fs.Duration("d", 5*time.Second, "duration per client")
	runs := fs.Int("runs", 3, "runs per client, interleaved; the median is reported")
	if err := parse(fs, args); err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "wsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := build(dir, "./ws-server/minimal-ws-server-echo")
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s, err := startServer("minimal-ws-server-echo", addr, bin, "-d", "1", "--port", strconv.Itoa(port))
	if err != nil {
		return err
	}
	defer s.stop()
	clients := []struct {
		name string
		load func() (float64, error)
	}{
		{"lws-go client (ClientConnect)", func() (float64, error) { return lwsEchoLoad(addr, *conns, *size, *dur) }},
		{"plain gorilla client", func() (float64, error) { return echoLoad(addr, *conns, *size, *dur) }},
	}
	rates := make([][]float64, len(clients))
	for r := 0; r < *runs; r++ {
		for i, c := range clients {
			rate, err := c.load()
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			rates[i] = append(rates[i], rate)
		}
	}
	fmt.Printf("%-32s %6s %6s %14s   %s\n", "client", "conns", "size", "round trips/s", "all runs")
	for i, c := range clients {
		fmt.Printf("%-32s %6d %6d %14.0f   %.0f\n", c.name, *conns, *size, median(rates[i]), rates[i])
	}
	return nil
}

// lwsEchoLoad runs conns lws-go client connections, each sending a message
// from its writeable callback and the next one when the echo is back.
func lwsEchoLoad(addr string, conns, size int, dur time.Duration) (float64, error) {
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	msg := bytes.Repeat([]byte("x"), size)
	var count, established, failed int
	var measuring bool
	proto := &lws.Protocol{Name: "lws-minimal-server-echo", Callback: func(c *lws.Conn, reason lws.Reason, pss any, in []byte) error {
		switch reason {
		case lws.ReasonClientEstablished:
			established++
			c.CallbackOnWritable()
		case lws.ReasonClientConnectionError:
			failed++
		case lws.ReasonClientWriteable:
			_, err := c.Write(msg, lws.WriteBinary)
			return err
		case lws.ReasonClientReceive:
			if c.IsFinalFragment() {
				if measuring {
					count++
				}
				c.CallbackOnWritable()
			}
		}
		return nil
	}}
	ctx, err := lws.NewContext(lws.ContextInfo{
		Logger:    slog.New(slog.DiscardHandler),
		VhostInfo: lws.VhostInfo{Port: lws.PortNoListen, Protocols: []*lws.Protocol{proto}},
	})
	if err != nil {
		return 0, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = ctx.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()
	ctx.Do(func() {
		for range conns {
			_, _ = ctx.ClientConnect(lws.ClientConnectInfo{Address: host, Port: port, Protocol: "lws-minimal-server-echo"})
		}
	})
	// Wait for every connection, then count for dur.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ready := make(chan [2]int, 1)
		ctx.Do(func() { ready <- [2]int{established, failed} })
		st := <-ready
		if st[1] > 0 {
			return 0, fmt.Errorf("%d connections failed", st[1])
		}
		if st[0] == conns {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("only %d of %d connections established", st[0], conns)
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx.Do(func() { measuring = true })
	start := time.Now()
	time.Sleep(dur)
	got := make(chan int, 1)
	ctx.Do(func() { measuring = false; got <- count })
	n := <-got
	return float64(n) / time.Since(start).Seconds(), nil
}
