package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// echo copies every message back with its type; corrupt, if set, changes
// what goes back.
func echo(ws *websocket.Conn, corrupt func([]byte) []byte) {
	defer ws.Close()
	for {
		typ, m, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if corrupt != nil {
			m = corrupt(m)
		}
		if ws.WriteMessage(typ, m) != nil {
			return
		}
	}
}

func echoServer(t *testing.T, corrupt func([]byte) []byte) string {
	up := websocket.Upgrader{EnableCompression: true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ws, err := up.Upgrade(w, r, nil); err == nil {
			echo(ws, corrupt)
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestClientAgainstAnEchoServer(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), switches.MustParse([]string{"wsfuzz", "--client", echoServer(t, nil)}), &out, nil); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got := strings.Count(out.String(), ": OK"); got != len(cases) {
		t.Fatalf("%d cases OK, want %d:\n%s", got, len(cases), out.String())
	}
	bad := echoServer(t, func(m []byte) []byte { return append(m, 'x') })
	if err := run(context.Background(), switches.MustParse([]string{"wsfuzz", "--client", bad, "--case", "1"}), io.Discard, nil); !errors.Is(err, errFailed) {
		t.Fatalf("a corrupting server: %v", err)
	}
}

func TestServerAgainstAnEchoClient(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan error, 1)
	var out strings.Builder
	go func() {
		done <- run(ctx, switches.MustParse([]string{"wsfuzz", "--port", "0", "-d", "1025"}), &out, func(a net.Addr) { addr <- a })
	}()
	base := "ws://" + (<-addr).String()
	d := websocket.Dialer{EnableCompression: true}
	ws, _, err := d.Dial(base+"/getCaseCount", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, n, err := ws.ReadMessage()
	ws.Close()
	if err != nil || string(n) != strconv.Itoa(len(cases)) {
		t.Fatalf("case count %q, %v", n, err)
	}
	for i := 1; i <= len(cases); i++ {
		ws, _, err := d.Dial(base+"/runCase?case="+strconv.Itoa(i)+"&agent=test", nil)
		if err != nil {
			t.Fatal(err)
		}
		echo(ws, nil)
	}
	if ws, _, err := d.Dial(base+"/updateReports?agent=test", nil); err == nil {
		_, _, _ = ws.ReadMessage()
		ws.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "agent test: "+strconv.Itoa(len(cases))+" of "+strconv.Itoa(len(cases))+" cases OK") {
		t.Fatalf("summary:\n%s", out.String())
	}
}
