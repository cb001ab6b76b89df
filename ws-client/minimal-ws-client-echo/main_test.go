package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gorilla/websocket"
)

// fuzzer is an Autobahn-style server: it sends messages (a fragmented
// text, a binary, an empty text, a big binary), checks each echo, then
// closes.
func fuzzer(t *testing.T, compress bool, report chan<- error) (host string, port int) {
	t.Helper()
	up := websocket.Upgrader{EnableCompression: compress}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			report <- err
			return
		}
		defer ws.Close()
		report <- exchange(ws)
	}))
	t.Cleanup(srv.Close)
	h, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	n, _ := strconv.Atoi(p)
	return h, n
}

func exchange(ws *websocket.Conn) error {
	// A text message in three explicit fragments.
	w, err := ws.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	for _, part := range []string{"frag-", "men-", "ted"} {
		if _, err := w.Write([]byte(part)); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	msgs := []struct {
		mt   int
		data []byte
	}{
		{websocket.TextMessage, []byte("frag-men-ted")},
		{websocket.BinaryMessage, []byte{0, 1, 2, 255}},
		{websocket.TextMessage, nil},
		{websocket.BinaryMessage, bytes.Repeat([]byte{7, 8, 9}, 100000)},
	}
	for i, m := range msgs {
		if i > 0 {
			if err := ws.WriteMessage(m.mt, m.data); err != nil {
				return err
			}
		}
		mt, got, err := ws.ReadMessage()
		if err != nil {
			return err
		}
		if mt != m.mt || !bytes.Equal(got, m.data) {
			return errors.New("echo " + strconv.Itoa(i) + " differs")
		}
	}
	return ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
}

func TestEchoesEverythingWithAndWithoutDeflate(t *testing.T) {
	for _, compress := range []bool{false, true} {
		report := make(chan error, 1)
		host, port := fuzzer(t, compress, report)
		args := []string{"echo", "-s", host, "-p", strconv.Itoa(port), "-o"}
		if !compress {
			args = append(args, "-n")
		}
		if err := run(context.Background(), switches.MustParse(args), io.Discard); err != nil {
			t.Fatalf("compress=%v: run: %v", compress, err)
		}
		if err := <-report; err != nil {
			t.Fatalf("compress=%v: server saw: %v", compress, err)
		}
	}
}

func TestExitStatuses(t *testing.T) {
	// Nobody listening: a connection error is a failure, -o or not.
	if err := run(context.Background(), switches.MustParse([]string{"echo", "-s", "127.0.0.1", "-p", "1"}), io.Discard); !errors.Is(err, errConnect) {
		t.Fatalf("no server: %v", err)
	}
	// A server that closes at once: with -o that is a failure (nothing
	// echoed), without -o it is not.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err == nil {
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
			_, _, _ = ws.ReadMessage()
			ws.Close()
		}
	}))
	defer srv.Close()
	host, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	if err := run(context.Background(), switches.MustParse([]string{"echo", "-s", host, "-p", p, "-o"}), io.Discard); !errors.Is(err, errNoEchoYet) {
		t.Fatalf("-o with nothing echoed: %v", err)
	}
	if err := run(context.Background(), switches.MustParse([]string{"echo", "-s", host, "-p", p}), io.Discard); err != nil {
		t.Fatalf("without -o: %v", err)
	}
}
