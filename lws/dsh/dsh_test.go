package dsh

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// A producer that never drains fills the buffer and is then refused: the
// heap never grows, and the room comes back when the consumer drains.
func TestFillIsBounded(t *testing.T) {
	d := New(16384, 2, 0)
	piece := make([]byte, 100)
	n := 0
	for {
		err := d.AllocTail(0, piece, nil)
		if errors.Is(err, ErrNoRoom) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n > 1000 {
			t.Fatal("a 16 KB heap took more than 1000 objects")
		}
	}
	if want := (16384 + 64) / (HeaderSize + 104); n != want {
		t.Fatalf("%d objects of 100 bytes fit, want %d", n, want)
	}
	if len(d.buf) != 16384+64 {
		t.Fatalf("the buffer grew to %d", len(d.buf))
	}
	for h := d.Head(0); h != nil; h = d.Head(0) {
		if err := d.Consume(0, len(h.Bytes())); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Check(); err != nil || d.InUse() != 0 || len(d.kinds[0]) != 1 {
		t.Fatalf("after draining: %v, %d in use, %d holes\n%s", err, d.InUse(), len(d.kinds[0]), d.Describe())
	}
}

// Objects released in any order merge back into one hole, and a
// released object's bytes are gone.
func TestReleaseMerges(t *testing.T) {
	d := New(8192, 3, 0)
	var objs []*Obj
	for i := range 30 {
		if err := d.AllocTail(i%3, []byte("0123456789"), []byte("abc")); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, d.kinds[i%3+1][len(d.kinds[i%3+1])-1])
	}
	if string(objs[4].Bytes()) != "0123456789abc" {
		t.Fatalf("%q", objs[4].Bytes())
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(objs), func(i, j int) { objs[i], objs[j] = objs[j], objs[i] })
	for _, o := range objs {
		o.Release()
		if err := d.Check(); err != nil {
			t.Fatal(err)
		}
	}
	if len(d.kinds[0]) != 1 || objs[0].Bytes() != nil {
		t.Fatalf("%d holes after releasing everything\n%s", len(d.kinds[0]), d.Describe())
	}
}

// Consume only takes a whole head, as lws's does.
func TestConsumePartialRefused(t *testing.T) {
	d := New(1024, 1, 0)
	if err := d.AllocTail(0, []byte("hello"), nil); err != nil {
		t.Fatal(err)
	}
	if err := d.Consume(0, 2); err == nil {
		t.Fatal("a partial consume was accepted")
	}
}
