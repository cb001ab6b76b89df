package main

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// echoMain drives c connections doing request/response echoes of size bytes
// against minimal-ws-server-echo and a plain gorilla echo server.
func echoMain(args []string) error {
	fs := newFlags("echo")
	conns := fs.Int("c", 50, "connections")
	size := fs.Int("size", 64, "message size in bytes")
	dur := fs.Duration("d", 10*time.Second, "duration per server")
	only := fs.String("only", "", "measure only this server: lws or plain")
	runs := fs.Int("runs", 3, "runs per server, interleaved; the median is reported")
	target := fs.String("target", "", "measure an already running server at host:port instead")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *target != "" {
		rate, err := echoLoad(*target, *conns, *size, *dur)
		if err != nil {
			return err
		}
		fmt.Printf("%s: %d conns, %d bytes: %.0f round trips/s\n", *target, *conns, *size, rate)
		return nil
	}

	dir, err := os.MkdirTemp("", "wsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lwsBin, err := build(dir, "./ws-server/minimal-ws-server-echo")
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
		key, name, addr string
		bin             string
		args            []string
	}{
		{"lws", "lws-go minimal-ws-server-echo", addrs[0], lwsBin, []string{"-d", "1", "--port", ports[0]}},
		{"plain", "plain gorilla echo", addrs[1], self, []string{"plain-echo", "-addr", addrs[1]}},
	}
	fmt.Printf("%-32s %6s %6s %14s %12s   %s\n", "server", "conns", "size", "round trips/s", "cpu µs/trip", "all runs")
	rates := make([][]float64, len(cases))
	cpus := make([][]float64, len(cases)) // server CPU µs per round trip
	for r := 0; r < *runs; r++ {
		for i, c := range cases {
			if *only != "" && *only != c.key {
				continue
			}
			s, err := startServer(c.name, c.addr, c.bin, c.args...)
			if err != nil {
				return err
			}
			cpu0, err := s.cpuTime()
			if err != nil {
				s.stop()
				return err
			}
			rate, err := echoLoad(c.addr, *conns, *size, *dur)
			cpu1, cerr := s.cpuTime()
			s.stop()
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if cerr != nil {
				return cerr
			}
			rates[i] = append(rates[i], rate)
			cpus[i] = append(cpus[i], float64((cpu1-cpu0).Microseconds())/(rate*dur.Seconds()))
		}
	}
	for i, c := range cases {
		if len(rates[i]) == 0 {
			continue
		}
		fmt.Printf("%-32s %6d %6d %14.0f %12.1f   %.0f\n", c.name, *conns, *size, median(rates[i]), median(cpus[i]), rates[i])
	}
	return nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func echoLoad(addr string, conns, size int, dur time.Duration) (float64, error) {
	msg := bytes.Repeat([]byte("x"), size)
	var total atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	start := make(chan struct{})
	for i := 0; i < conns; i++ {
		ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/", nil)
		if err != nil {
			return 0, fmt.Errorf("dial: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ws.Close()
			<-start
			deadline := time.Now().Add(dur)
			n := int64(0)
			for time.Now().Before(deadline) {
				if err := ws.WriteMessage(websocket.BinaryMessage, msg); err != nil {
					errs <- err
					return
				}
				_, got, err := ws.ReadMessage()
				if err != nil {
					errs <- err
					return
				}
				if len(got) != size {
					errs <- fmt.Errorf("echo of %d bytes came back as %d", size, len(got))
					return
				}
				n++
			}
			total.Add(n)
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(t0)
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return float64(total.Load()) / elapsed.Seconds(), nil
}
