package lws

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// bodyByte is byte i of the test body: it changes within and across
// pieces, so a piece out of place shows.
func bodyByte(i int) byte { return byte(i*31) ^ byte(i>>11) }

// A client posting faster than the protocol takes the body must not get
// more than readAhead pieces queued to the loop (the reader waits and TCP
// pushes back), and every byte arrives, in order.
func TestHTTPBodyQueueBounded(t *testing.T) {
	noLeaks(t)
	const size = 8 << 20
	type result struct {
		got, maxQueued int
		bad            string
	}
	done := make(chan result, 1)
	var res result
	first := true
	sink := &Protocol{Name: "sink", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonHTTPBody:
			if first {
				// A slow consumer: the loop is busy with the first
				// piece while the client goes on sending. Without a
				// bound the reader queues piece after piece.
				first = false
				deadline := time.Now().Add(500 * time.Millisecond)
				for c.ht.queued.Load() < 4*readAhead && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
			}
			res.maxQueued = max(res.maxQueued, int(c.ht.queued.Load()))
			for i, b := range in {
				if res.bad == "" && b != bodyByte(res.got+i) {
					res.bad = fmt.Sprintf("byte %d is %#x, want %#x", res.got+i, b, bodyByte(res.got+i))
				}
			}
			res.got += len(in)
		case ReasonHTTPBodyCompletion:
			done <- res
			return c.ReturnHTTPStatus(http.StatusOK, "ok")
		}
		return nil
	}}
	info := fileVhost(0)
	info.Protocols = []*Protocol{{Name: "http", Callback: HTTPDummy}, sink}
	info.Mounts = append(info.Mounts, Mount{Mountpoint: "/post", Protocol: "sink", OriginProtocol: OriginCallback})
	c := startContext(t, ContextInfo{VhostInfo: info})
	body := make([]byte, size)
	for i := range body {
		body[i] = bodyByte(i)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Post("http://"+c.Vhosts()[0].Addr()+"/post", "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	r := <-done
	if r.bad != "" {
		t.Fatal(r.bad)
	}
	if r.got != size {
		t.Fatalf("received %d bytes, want %d", r.got, size)
	}
	if r.maxQueued > readAhead {
		t.Fatalf("%d body pieces queued to the loop, want at most %d", r.maxQueued, readAhead)
	}
	t.Logf("at most %d pieces queued", r.maxQueued)
}

// A protocol that answers before the body has all arrived (here: 413 at
// the first piece) ends the transaction: the answer goes out at once, no
// body piece reaches the protocol after it, and the rest of the body is not
// read.
func TestHTTPBodyStopsWhenAnswered(t *testing.T) {
	// No noLeaks: net/http lingers 500 ms after closing a connection with
	// unread body (closeWriteAndWait), past the context's end.
	const size = 64 << 20
	var pieces, after int
	answered := false
	closed := make(chan [2]int, 1)
	p := &Protocol{Name: "refuse", Callback: func(c *Conn, reason Reason, pss any, in []byte) error {
		switch reason {
		case ReasonHTTPBody, ReasonHTTPBodyCompletion:
			pieces++
			if answered {
				after++
				return nil
			}
			answered = true
			return c.ReturnHTTPStatus(http.StatusRequestEntityTooLarge, "too big")
		case ReasonClosedHTTP:
			closed <- [2]int{pieces, after}
		}
		return nil
	}}
	info := fileVhost(0)
	info.Protocols = []*Protocol{{Name: "http", Callback: HTTPDummy}, p}
	info.Mounts = append(info.Mounts, Mount{Mountpoint: "/up", Protocol: "refuse", OriginProtocol: OriginCallback})
	c := startContext(t, ContextInfo{VhostInfo: info})
	conn, err := net.Dial("tcp", c.Vhosts()[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /up HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n", size)
	go func() {
		chunk := make([]byte, 64<<10)
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := conn.Write(chunk); err != nil {
				return // the server closed: the rest is not wanted
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
	got := <-closed
	if got[1] != 0 {
		t.Fatalf("%d body callbacks after the final write", got[1])
	}
}
