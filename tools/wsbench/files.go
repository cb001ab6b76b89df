package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
)

// filesMain loads minimal-http-server's index.html with wrk next to a plain
// net/http FileServer serving the same folder, interleaved, median of runs.
func filesMain(args []string) error {
	fs := newFlags("files")
	threads := fs.Int("t", 2, "wrk threads")
	conns := fs.Int("c", 64, "wrk connections")
	dur := fs.String("d", "5s", "wrk duration per run")
	runs := fs.Int("runs", 3, "runs per server, interleaved; the median is reported")
	if err := parse(fs, args); err != nil {
		return err
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return fmt.Errorf("wrk not installed: apt-get install wrk")
	}
	dir, err := os.MkdirTemp("", "wsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lwsBin, err := build(dir, "./http-server/minimal-http-server")
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
		name, addr string
		bin        string
		args       []string
	}{
		{"lws-go minimal-http-server", addrs[0], lwsBin, []string{"-d", "1", "--port", ports[0]}},
		{"plain net/http FileServer", addrs[1], self, []string{"plain-files", "-addr", addrs[1], "-dir", "http-server/minimal-http-server/mount-origin"}},
	}
	rates := make([][]float64, len(cases))
	for r := 0; r < *runs; r++ {
		for i, c := range cases {
			s, err := startServer(c.name, c.addr, c.bin, c.args...)
			if err != nil {
				return err
			}
			out, err := exec.Command(wrk, "-t", strconv.Itoa(*threads), "-c", strconv.Itoa(*conns), "-d", *dur, "http://"+c.addr+"/index.html").CombinedOutput()
			s.stop()
			if err != nil {
				return fmt.Errorf("wrk against %s: %w: %s", c.name, err, out)
			}
			rate, err := wrkRate(out)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			rates[i] = append(rates[i], rate)
		}
	}
	fmt.Printf("%-30s %14s   %s\n", "server", "requests/s", "all runs")
	for i, c := range cases {
		fmt.Printf("%-30s %14.0f   %.0f\n", c.name, median(rates[i]), rates[i])
	}
	fmt.Printf("ratio lws-go / FileServer: %.2f\n", median(rates[0])/median(rates[1]))
	return nil
}

var requestsPerSec = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// wrkRate reads "Requests/sec:" from wrk's report, refusing runs with
// errors or non-2xx answers.
func wrkRate(out []byte) (float64, error) {
	if regexp.MustCompile(`Non-2xx or 3xx responses|Socket errors`).Match(out) {
		return 0, fmt.Errorf("wrk saw errors:\n%s", out)
	}
	m := requestsPerSec.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no Requests/sec in wrk output:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
