// Package lwsac is lws's lwsac, the "allocated chunks" allocator: many
// small values of one lifetime (the strings of one form, the entries of
// one list) are carved out of a few large chunks, and all of them go at
// once. lws uses it so that a thousand list entries cost four mallocs,
// not a thousand, and one free.
//
// In Go the garbage collector frees; what an lwsac still buys is fewer,
// larger allocations (less allocator and GC work for values that live and
// die together) and one owner for a transaction's values. Two shapes:
// Chunks hands out typed objects (each chunk a slice of T), Arena carves
// bytes and strings. Free drops the allocator's hold on its chunks;
// values still referenced elsewhere stay valid (where lws's would
// dangle), and values carved from an Arena are never written again.
package lwsac

import "unsafe"

// ChunkSize is lws's default chunk (LWSAC_CHUNK_SIZE), in bytes.
const ChunkSize = 4000

// Chunks hands out *T from shared chunks (struct lwsac with
// lwsac_use(&head, sizeof(T), 0)). The zero value is ready to use.
type Chunks[T any] struct {
	// ChunkItems is how many T a chunk holds; 0 means as many as fit
	// in ChunkSize bytes (at least one), like lwsac_use's chunk_size 0.
	ChunkItems int

	cur    []T
	chunks int
	items  int
}

// Use returns a new zeroed T from the current chunk, starting a new chunk
// when it is full (lwsac_use_zero).
func (a *Chunks[T]) Use() *T {
	if len(a.cur) == cap(a.cur) {
		n := a.ChunkItems
		if n <= 0 {
			var zero T
			n = max(1, ChunkSize/max(1, int(unsafe.Sizeof(zero))))
		}
		a.cur = make([]T, 0, n)
		a.chunks++
	}
	a.cur = a.cur[:len(a.cur)+1]
	a.items++
	return &a.cur[len(a.cur)-1]
}

// Info reports how many chunks were allocated for how many objects
// (lwsac_info, lwsac_total_alloc).
func (a *Chunks[T]) Info() (chunks, items int) { return a.chunks, a.items }

// Free lets go of every chunk (lwsac_free); the allocator can be used
// again afterwards.
func (a *Chunks[T]) Free() { *a = Chunks[T]{ChunkItems: a.ChunkItems} }
