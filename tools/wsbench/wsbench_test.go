package main

import (
	"strings"
	"testing"
)

func TestWrkRate(t *testing.T) {
	out := `Running 5s test @ http://127.0.0.1:7681/index.html
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.71ms    1.09ms  21.60ms   87.06%
  192556 requests in 5.00s, 250.55MB read
Requests/sec:  38511.21
Transfer/sec:     50.10MB
`
	got, err := wrkRate([]byte(out))
	if err != nil || got != 38511.21 {
		t.Fatalf("got %v, %v", got, err)
	}
	// A run with errors must not produce a figure.
	bad := strings.Replace(out, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1)
	if _, err := wrkRate([]byte(bad)); err == nil {
		t.Fatal("a run with non-2xx answers was accepted")
	}
	if _, err := wrkRate([]byte("garbage")); err == nil {
		t.Fatal("output without a rate was accepted")
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{5}, 5}, {[]float64{9, 1, 5, 7, 3}, 5}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	in := []float64{3, 1, 2}
	median(in)
	if in[0] != 3 {
		t.Fatal("median reordered its input")
	}
}
