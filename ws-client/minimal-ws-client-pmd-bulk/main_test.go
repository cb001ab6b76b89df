package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// server is the pmd-bulk server's side, as ws-server/minimal-ws-server-pmd-bulk
// plays it: on connect it sends the 133,700-byte message (text or random
// bytes, as the client's -c must match) in 1 KB fragments, permessage-deflate
// when the client offers it, and checks the client's message byte for byte.
// What it saw goes to report.
func server(t *testing.T, text bool, report chan<- error) (host, port string) {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: []string{"lws-minimal-pmd-bulk"}, EnableCompression: true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			report <- err
			return
		}
		defer ws.Close()
		sent := make(chan error, 1)
		go func() {
			tx := newBulkStream(text)
			wr, err := ws.NextWriter(websocket.BinaryMessage)
			for err == nil && !tx.done() {
				_, err = wr.Write(tx.fill(chunkSize))
			}
			if err == nil {
				err = wr.Close()
			}
			sent <- err
		}()
		_, got, err := ws.ReadMessage()
		if err == nil {
			if rx := newBulkStream(text); !bytes.Equal(got, rx.fill(messageSize)) {
				err = errors.New("the client's message differs")
			}
		}
		if serr := <-sent; err == nil {
			err = serr
		}
		report <- err
	}))
	t.Cleanup(srv.Close)
	host, port, _ = net.SplitHostPort(srv.Listener.Addr().String())
	return host, port
}

// Both directions byte for byte, with and without deflate, random bytes
// and text.
func TestBothDirections(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"deflate", nil},
		{"no deflate", []string{"-n"}},
		{"text, deflate", []string{"-c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := make(chan error, 1)
			host, port := server(t, len(tc.args) > 0 && tc.args[0] == "-c", report)
			var logs bytes.Buffer
			args := append([]string{"pmd-bulk", "-s", host, "-p", port}, tc.args...)
			if err := run(context.Background(), switches.MustParse(args), &logs); err != nil {
				t.Fatalf("run: %v\n%s", err, logs.String())
			}
			if err := <-report; err != nil {
				t.Fatalf("server: %v", err)
			}
			for _, want := range []string{"sent the whole 133700-byte message", "received the whole 133700-byte message intact", "Completed: OK"} {
				if !strings.Contains(logs.String(), want) {
					t.Fatalf("no %q in\n%s", want, logs.String())
				}
			}
		})
	}
}

// Mismatched options (-c on one side only) are caught, not passed.
func TestMismatchFails(t *testing.T) {
	host, port := server(t, true, make(chan error, 1))
	if err := run(context.Background(), switches.MustParse([]string{"pmd-bulk", "-s", host, "-p", port}), io.Discard); err == nil {
		t.Fatal("random bytes against a text server passed")
	}
}

// Nobody listening: a failure, not a silent exit 0.
func TestNoServerFails(t *testing.T) {
	if err := run(context.Background(), switches.MustParse([]string{"pmd-bulk", "-s", "127.0.0.1", "-p", "1"}), io.Discard); !errors.Is(err, errIncomplete) {
		t.Fatalf("run: %v", err)
	}
}
