package main

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// liveHeap is the heap still reachable after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A deflate bomb is refused at the read limit (16 MB inflated), and once
// the bomber is gone nothing of what its message grew stays reachable:
// the session that collected its pieces is gone with it.
func TestDeflateBombMemoryComesBack(t *testing.T) {
	c := start(t)
	before := liveHeap()
	d := websocket.Dialer{Subprotocols: []string{"lws-minimal"}, EnableCompression: true}
	ws, _, err := d.Dial("ws://"+c.Vhosts()[0].Addr()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	_, _ = fw.Write(make([]byte, 64<<20))
	_ = fw.Flush()
	payload := bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
	// One masked binary frame with RSV1 (compressed), written by hand:
	// gorilla's writer would compress it again.
	frame := []byte{0x82 | 0x40, 0x80 | 127}
	frame = binary.BigEndian.AppendUint64(frame, uint64(len(payload)))
	frame = append(frame, 0, 0, 0, 0) // a zero mask leaves the payload as it is
	frame = append(frame, payload...)
	nc := ws.NetConn()
	if _, err := nc.Write(frame); err != nil {
		t.Fatal(err)
	}
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	hdr := make([]byte, 4)
	if _, err := nc.Read(hdr); err != nil || hdr[0] != 0x88 || int(binary.BigEndian.Uint16(hdr[2:])) != websocket.CloseMessageTooBig {
		t.Fatalf("got %x (%v), want close 1009", hdr, err)
	}
	nc.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		after := liveHeap()
		if after < before+2<<20 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("live heap %d MB after the bomber left, %d MB before", after>>20, before>>20)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
