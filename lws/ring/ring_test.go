package ring

import (
	"fmt"
	"slices"
	"testing"
)

func TestRingOfNHoldsNMinusOne(t *testing.T) {
	r := New[int](8, nil)
	if got := r.FreeCount(); got != 7 {
		t.Fatalf("free %d, want 7", got)
	}
	if got := r.Insert(1, 2, 3, 4, 5, 6, 7, 8, 9); got != 7 {
		t.Fatalf("inserted %d, want 7", got)
	}
	if r.FreeCount() != 0 || r.Insert(10) != 0 {
		t.Fatal("full ring accepted more")
	}
}

func TestPartialInsertWhenNearlyFull(t *testing.T) {
	r := New[int](4, nil)
	r.Insert(1, 2)
	if got := r.Insert(3, 4, 5); got != 1 {
		t.Fatalf("inserted %d, want 1", got)
	}
}

func TestWrapAroundManyTimes(t *testing.T) {
	destroyed := 0
	r := New(5, func(*int) { destroyed++ })
	next, want := 0, 0
	for round := 0; round < 1000; round++ {
		for r.FreeCount() > 0 {
			r.Insert(next)
			next++
		}
		out := make([]int, 3)
		k := r.Consume(nil, out, 3)
		for _, v := range out[:k] {
			if v != want {
				t.Fatalf("got %d want %d", v, want)
			}
			want++
		}
	}
	if destroyed != want {
		t.Fatalf("destroyed %d, consumed %d", destroyed, want)
	}
}

// readers is a vhd-style list of sessions, each with a tail.
type reader struct{ tail Tail }

func tailsOf(rs []*reader) func(func(Tail) bool) {
	return func(yield func(Tail) bool) {
		for _, x := range rs {
			if !yield(x.tail) {
				return
			}
		}
	}
}

func TestSeveralReadersSeeEverythingInOrder(t *testing.T) {
	destroyed := map[int]int{}
	r := New(16, func(v *int) { destroyed[*v]++ })
	rs := []*reader{{}, {}, {}}
	seen := make([][]int, len(rs))
	next := 0
	for step := 0; step < 500; step++ {
		if r.FreeCount() > 0 {
			r.Insert(next)
			next++
		}
		// reader i reads every (i+1)th step: three different speeds.
		for i, x := range rs {
			if step%(i+1) != 0 {
				continue
			}
			if p := r.Get(&x.tail); p != nil {
				seen[i] = append(seen[i], *p)
				r.ConsumeAndUpdateOldest(&x.tail, 1, tailsOf(rs))
			}
		}
	}
	for i := range rs {
		for j, v := range seen[i] {
			if v != j {
				t.Fatalf("reader %d saw %v at %d", i, v, j)
			}
		}
	}
	// Only elements every reader passed were retired, each exactly once.
	slowest := len(seen[2])
	for v, n := range destroyed {
		if n != 1 || v >= slowest {
			t.Fatalf("element %d destroyed %d times (slowest reader at %d)", v, n, slowest)
		}
	}
}

// The minimal-ws-server-ring situation: one client stops reading, the ring
// fills, the stalled client holds the oldest tail; once it is dropped and the
// oldest recomputed from the others, space comes back.
func TestSlowReaderHoldsOldestTail(t *testing.T) {
	r := New[string](8, nil)
	fast, slow := &reader{}, &reader{}
	rs := []*reader{fast, slow}
	for i := 0; r.FreeCount() > 0; i++ {
		r.Insert(fmt.Sprint(i))
		for r.Get(&fast.tail) != nil {
			r.ConsumeAndUpdateOldest(&fast.tail, 1, tailsOf(rs))
		}
	}
	if r.FreeCount() != 0 {
		t.Fatal("ring not full")
	}
	if r.OldestTail() != slow.tail {
		t.Fatalf("oldest %d, slow reader at %d", r.OldestTail(), slow.tail)
	}
	rs = slices.DeleteFunc(rs, func(x *reader) bool { return x == slow })
	// Drop the slow reader: the oldest becomes the reader with most waiting.
	most, oldest := -1, Tail(0)
	for _, x := range rs {
		if w := r.WaitingCount(&x.tail); w > most {
			most, oldest = w, x.tail
		}
	}
	r.UpdateOldestTail(oldest)
	if r.FreeCount() != 7 {
		t.Fatalf("free %d after dropping the slow reader, want 7", r.FreeCount())
	}
}

func TestLinearInsertRange(t *testing.T) {
	r := New[byte](8, nil)
	r.Insert(1, 2, 3, 4, 5)
	r.Consume(nil, nil, 5) // head and oldest at 5
	span := r.NextLinearInsertRange()
	if len(span) != 3 { // slots 5, 6, 7 before the end of the buffer
		t.Fatalf("linear range %d, want 3", len(span))
	}
	copy(span, []byte{6, 7, 8})
	r.BumpHead(3)
	if r.WaitingCount(nil) != 3 || *r.Get(nil) != 6 {
		t.Fatalf("waiting %d", r.WaitingCount(nil))
	}
}

func ExampleRing() {
	// The vhd owns the ring; each session keeps a tail and starts at the
	// oldest one, as minimal-ws-server-ring does.
	r := New[string](8, nil)
	var alice, bob Tail = r.OldestTail(), r.OldestTail()
	tails := func(yield func(Tail) bool) { _ = yield(alice) && yield(bob) }
	r.Insert("hello", "world")
	for p := r.Get(&alice); p != nil; p = r.Get(&alice) {
		fmt.Println("alice:", *p)
		r.ConsumeAndUpdateOldest(&alice, 1, tails)
	}
	fmt.Println("still held for bob:", r.WaitingCount(nil))
	// Output:
	// alice: hello
	// alice: world
	// still held for bob: 2
}

func TestLeave(t *testing.T) {
	r := New[int](8, nil)
	a, b := &reader{}, &reader{}
	r.Insert(1, 2, 3, 4)
	r.Consume(&b.tail, nil, 2) // b has read two, a none: a holds the oldest
	// A reader that is not the oldest leaving changes nothing.
	r.Leave(b.tail, tailsOf([]*reader{a}))
	if r.WaitingCount(nil) != 4 {
		t.Fatalf("held %d after a non-oldest reader left", r.WaitingCount(nil))
	}
	// The oldest leaving hands the oldest tail to b: two are retired.
	r.Leave(a.tail, tailsOf([]*reader{b}))
	if r.WaitingCount(nil) != 2 || r.OldestTail() != b.tail {
		t.Fatalf("held %d, oldest %d, b at %d", r.WaitingCount(nil), r.OldestTail(), b.tail)
	}
	// The last reader leaving retires everything.
	r.Leave(b.tail, tailsOf(nil))
	if r.WaitingCount(nil) != 0 || r.FreeCount() != 7 {
		t.Fatalf("held %d after the last reader left", r.WaitingCount(nil))
	}
}
