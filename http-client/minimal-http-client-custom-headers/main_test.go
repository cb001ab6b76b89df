package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// A server that answers only when the client sent "dnt: 1", over HTTP/1.1,
// with test-custom-header.
func serve(t *testing.T, custom bool) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Dnt") != "1" || r.ProtoMajor != 1 {
			http.Error(w, "want dnt: 1 over HTTP/1.x", http.StatusBadRequest)
			return
		}
		if custom {
			w.Header().Set("test-custom-header", "hello")
		}
		_, _ = w.Write([]byte("ok"))
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSendsAndReadsCustomHeaders(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), switches.MustParse([]string{"x", "-p", strconv.Itoa(serve(t, true))}), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "custom header: 'hello'") {
		t.Fatalf("no custom header in:\n%s", out.String())
	}
}

func TestMissingCustomHeaderFails(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), switches.MustParse([]string{"x", "-p", strconv.Itoa(serve(t, false))}), &out)
	if !errors.Is(err, errFailed) || !strings.Contains(out.String(), "Can't find test-custom-header") {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
}
