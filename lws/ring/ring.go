// Package ring is the mirror of lws_ring: a fixed-capacity ring of elements
// with one writer (the head) and any number of readers, each with its own
// tail. The ring remembers the oldest tail; an element's slot is reused only
// once the oldest reader has passed it, and an optional destroy function is
// called on it then. As in lws, one slot is kept empty, so a ring made for
// n elements holds n-1.
//
// A Ring is not goroutine-safe: it lives in a vhd and is used from the
// service loop, exactly like lws's. To feed it from other goroutines, guard
// it with a mutex and wake the loop with lws.Context.CancelService.
package ring

import "iter"

// Tail is one reader's position (lws's uint32_t tail).
type Tail uint32

// Ring is the mirror of struct lws_ring.
type Ring[T any] struct {
	buf     []T
	head    uint32 // where the next element goes
	oldest  uint32 // the oldest tail: elements from here to head are live
	destroy func(*T)
}

// New makes a ring of count slots (count-1 usable) that calls destroy on
// each element it retires: lws_ring_create. count must be at least 2.
func New[T any](count int, destroy func(*T)) *Ring[T] {
	if count < 2 {
		panic("ring: count must be at least 2")
	}
	return &Ring[T]{buf: make([]T, count), destroy: destroy}
}

func (r *Ring[T]) n() uint32 { return uint32(len(r.buf)) }

// dist is how many slots lie from a to b going forward.
func (r *Ring[T]) dist(a, b uint32) int { return int((b + r.n() - a) % r.n()) }

// FreeCount is how many elements can be inserted now:
// lws_ring_get_count_free_elements.
func (r *Ring[T]) FreeCount() int { return len(r.buf) - 1 - r.dist(r.oldest, r.head) }

// WaitingCount is how many elements the reader at tail has not consumed;
// nil means the oldest tail: lws_ring_get_count_waiting_elements.
func (r *Ring[T]) WaitingCount(tail *Tail) int {
	return r.dist(r.pos(tail), r.head)
}

func (r *Ring[T]) pos(tail *Tail) uint32 {
	if tail == nil {
		return r.oldest
	}
	return uint32(*tail)
}

// Insert copies in as many of items as fit and returns how many did:
// lws_ring_insert.
func (r *Ring[T]) Insert(items ...T) int {
	k := min(len(items), r.FreeCount())
	for i := 0; i < k; i++ {
		r.buf[r.head] = items[i]
		r.head = (r.head + 1) % r.n()
	}
	return k
}

// Get returns the next element for the reader at tail (nil: the oldest)
// without consuming it, or nil when nothing waits: lws_ring_get_element.
func (r *Ring[T]) Get(tail *Tail) *T {
	if r.WaitingCount(tail) == 0 {
		return nil
	}
	return &r.buf[r.pos(tail)]
}

// Consume advances the reader at tail past up to max elements, copying them
// into dest when it is not nil, and returns how many: lws_ring_consume.
// With tail nil it consumes from the oldest tail and retires what it passes
// (calling destroy); a reader's own tail only moves that reader.
func (r *Ring[T]) Consume(tail *Tail, dest []T, max int) int {
	k := min(max, r.WaitingCount(tail))
	if dest != nil {
		k = min(k, len(dest))
	}
	p := r.pos(tail)
	for i := 0; i < k; i++ {
		if dest != nil {
			dest[i] = r.buf[p]
		}
		p = (p + 1) % r.n()
	}
	if tail == nil {
		r.UpdateOldestTail(Tail(p))
	} else {
		*tail = Tail(p)
	}
	return k
}

// OldestTail returns the oldest tail, where a new reader starts so it sees
// everything still held: lws_ring_get_oldest_tail.
func (r *Ring[T]) OldestTail() Tail { return Tail(r.oldest) }

// UpdateOldestTail moves the oldest tail forward to t, retiring (and
// destroying) every element it passes: lws_ring_update_oldest_tail.
func (r *Ring[T]) UpdateOldestTail(t Tail) {
	var zero T
	for r.oldest != uint32(t) && r.oldest != r.head {
		if r.destroy != nil {
			r.destroy(&r.buf[r.oldest])
		}
		r.buf[r.oldest] = zero
		r.oldest = (r.oldest + 1) % r.n()
	}
}

// ConsumeSingleTail consumes for a ring with only one reader, retiring as it
// goes: lws_ring_consume_single_tail.
func (r *Ring[T]) ConsumeSingleTail(tail *Tail, dest []T, max int) int {
	k := r.Consume(tail, dest, max)
	r.UpdateOldestTail(*tail)
	return k
}

// ConsumeAndUpdateOldest advances one reader by count and, if that reader
// held the oldest tail, makes the reader with the most elements waiting the
// new oldest, retiring what nobody needs any more. tails lists every
// reader's tail (including this one's). It is the Go form of lws's
// lws_ring_consume_and_update_oldest_tail macro.
func (r *Ring[T]) ConsumeAndUpdateOldest(tail *Tail, count int, tails iter.Seq[Tail]) {
	wasOldest := uint32(*tail) == r.oldest
	r.Consume(tail, nil, count)
	if !wasOldest {
		return
	}
	oldest, most := *tail, 0
	for t := range tails {
		if m := r.WaitingCount(&t); m >= most {
			most, oldest = m, t
		}
	}
	r.UpdateOldestTail(oldest)
}

// NextLinearInsertRange returns the free slots from the head up to the end
// of the buffer or the oldest tail, for filling in place (a read straight
// into the ring): lws_ring_next_linear_insert_range. Commit with BumpHead.
func (r *Ring[T]) NextLinearInsertRange() []T {
	free := r.FreeCount()
	end := min(int(r.head)+free, len(r.buf))
	return r.buf[r.head:end]
}

// BumpHead commits k elements written through NextLinearInsertRange:
// lws_ring_bump_head.
func (r *Ring[T]) BumpHead(k int) {
	k = min(k, r.FreeCount())
	r.head = (r.head + uint32(k)) % r.n()
}

// Leave is for a reader that goes away (its connection closed): if it held
// the oldest tail, the remaining reader with the most waiting becomes the
// oldest and what nobody needs any more is retired; with no readers left,
// everything is. others lists the remaining readers' tails. lws's examples
// do this by hand in their CLOSED handlers.
func (r *Ring[T]) Leave(tail Tail, others iter.Seq[Tail]) {
	if uint32(tail) != r.oldest {
		return
	}
	oldest, most, found := r.head, -1, false
	for t := range others {
		found = true
		if m := r.WaitingCount(&t); m > most {
			most, oldest = m, uint32(t)
		}
	}
	if !found {
		oldest = r.head
	}
	r.UpdateOldestTail(Tail(oldest))
}
